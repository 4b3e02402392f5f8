import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { CandidateLineScanner } from '../src/input/candidate-lines.js';
import { decodeAll } from './support/run.js';
import { scanInPieces } from './support/scan-in-pieces.js';

const SECCOMP = 'type=SECCOMP msg=audit(1678972350.266:4): auid=4294967295 uid=1009 gid=1008 ses=4294967295 pid=2999066 comm="mattermost" exe="/opt/mattermost/bin/mattermost" sig=31 arch=c000003e syscall=160 compat=0 ip=0x40440e code=0x80000000';
const KERNEL = '[  188.335115] audit: type=1326 audit(1795436866.178:2): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=2012 comm="deny" exe="/tmp/sc/deny" sig=31 arch=c000003e syscall=160 compat=0 ip=0x7f7cdf7e5829 code=0x80000000';
const OTHER = 'type=SYSCALL msg=audit(1678972350.266:3): arch=c000003e syscall=59 success=yes exit=0 comm="bash" exe="/usr/bin/bash"';

function scannedInPieces(input: Buffer, pieceSize: number, maxLineBytes = 1024): { text: string; lines: number; overlong: number } {
  const scanner = new CandidateLineScanner({ maxLineBytes });
  const text = scanInPieces(scanner, input, pieceSize).toString();
  return { text, lines: scanner.counts.lines, overlong: scanner.counts.overlongRecords };
}

describe('CandidateLineScanner', () => {
  const input = Buffer.from([OTHER, SECCOMP, OTHER, OTHER, KERNEL, 'Mar 16 14:12:30 web1 audit[5]: SECCOMP auid=1', OTHER, SECCOMP].join('\n'));

  it('passes on exactly the marked lines, however the input is cut into chunks', () => {
    const expected = `${[SECCOMP, KERNEL, 'Mar 16 14:12:30 web1 audit[5]: SECCOMP auid=1', SECCOMP].join('\n')}\n`;
    for (const pieceSize of [1, 2, 3, 7, 64, 100, 333, input.length]) {
      const scanned = scannedInPieces(input, pieceSize);
      expect(scanned.text, `pieces of ${pieceSize}`).toBe(expected);
      expect(scanned.lines).toBe(8);
    }
  });

  it('finds auditd records by their line start, with or without a node= prefix', () => {
    const auditd = Buffer.from([OTHER, SECCOMP, '----', 'time->Mon Nov 23 12:27:46 2026', '', `${OTHER} comm="SECCOMP"`].join('\n'));
    expect(scannedInPieces(auditd, 1 << 22).text).toBe(`${SECCOMP}\n`);
    const remote = Buffer.from([`node=web1 ${SECCOMP}`, `node=web2 ${OTHER} comm="SECCOMP"`, OTHER, SECCOMP, 'node=db1 type=EOE'].join('\n'));
    expect(scannedInPieces(remote, 1 << 22).text).toBe(`node=web1 ${SECCOMP}\n${SECCOMP}\n`);
  });

  it('searches for SECCOMP when a line starts like a node= prefix but is not one', () => {
    const odd = Buffer.from([`nodes ${OTHER} comm="SECCOMP"`, `node=web1 ${SECCOMP}`, 'node=web1'].join('\n'));
    expect(scannedInPieces(odd, 1 << 22).text).toBe(`nodes ${OTHER} comm="SECCOMP"\nnode=web1 ${SECCOMP}\n`);
  });

  it('finds a kernel line that follows auditd lines in one stream', () => {
    const mixed = Buffer.from(`${Array.from({ length: 3000 }, () => OTHER).join('\n')}\n${KERNEL}\n${OTHER}\n`);
    expect(scannedInPieces(mixed, 1 << 22).text).toBe(`${KERNEL}\n`);
  });

  it('skips a line over the bound and counts it when it held a marker, without losing the next line', () => {
    const huge = `${SECCOMP} ${'x'.repeat(5000)}`;
    const withHuge = Buffer.from([OTHER, huge, SECCOMP, `${'y'.repeat(5000)}`, KERNEL].join('\n'));
    for (const pieceSize of [100, 4096, withHuge.length]) {
      const scanned = scannedInPieces(withHuge, pieceSize);
      expect(scanned.text).toBe(`${SECCOMP}\n${KERNEL}\n`);
      expect(scanned.overlong).toBe(1);
      expect(scanned.lines).toBe(5);
    }
  });
});

describe('reading inputs', () => {
  it('reads gzip by content and plain text alike', async () => {
    const text = `${OTHER}\n${SECCOMP}\n`;
    const plain = await decodeAll(text);
    const compressed = await decodeAll(gzipSync(text));
    expect(compressed.denials.map((denial) => denial.syscall)).toEqual(['setrlimit']);
    expect(compressed.stats).toEqual(plain.stats);
  });

  it('does not stop at invalid UTF-8, NUL bytes or terminal escapes', async () => {
    const input = Buffer.concat([
      Buffer.from(`${OTHER}\n\xff\xfe\x00\x1b[2J garbage SECCOMP\n`, 'latin1'),
      Buffer.from([0xc3, 0x28, 0x0a]),
      Buffer.from(`${SECCOMP}\n`),
    ]);
    const { denials, stats } = await decodeAll(input);
    expect(denials).toHaveLength(1);
    expect(stats.lines).toBe(4);
  });

  it('counts a damaged record as malformed and goes on', async () => {
    const { denials, stats } = await decodeAll(`${SECCOMP.slice(0, 80)}\n${SECCOMP}\n${KERNEL.replace('code=0x80000000', '')}\n`);
    expect(denials).toHaveLength(1);
    expect(stats.malformed).toBe(2);
  });
});
