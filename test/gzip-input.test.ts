import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeAll, fixture, runCli, temporaryDirectories } from './support/run.js';

const directory = temporaryDirectories('gzip')();
const ROTATED = readFileSync(fixture('formats', 'kern-log-gz', 'kern.log.2.gz'));
const GARBAGE = Buffer.from('garbage appended after rotation\n');

function records(stdout: string): number {
  return (JSON.parse(stdout) as { stats: { records: number } }).stats.records;
}

/** A kernel log of `count` records, each its own event. */
function kernelLog(count: number): string {
  return Array.from({ length: count }, (_, index) =>
    `[  ${index}.000000] audit: type=1326 audit(1795436866.178:${index + 1}): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=${1000 + index} comm="deny" exe="/tmp/sc/deny" sig=31 arch=c000003e syscall=160 compat=0 ip=0x7f7cdf7e5829 code=0x80000000\n`).join('');
}

describe('gzip input as gzip -d reads it', () => {
  it('keeps every record of a rotated log with garbage appended, warns, and exits 2', () => {
    const path = join(directory, 'kern.log.2.gz');
    writeFileSync(path, Buffer.concat([ROTATED, GARBAGE]));
    for (const result of [runCli(['--json', path]), runCli(['--json'], readFileSync(path))]) {
      expect(records(result.stdout)).toBe(23);
      expect(result.status).toBe(2);
      expect(result.stderr).toMatch(/: trailing garbage after the gzip data, ignored; the gzip data was read\n$/);
    }
  });

  it('keeps every record of a long stream with garbage appended', async () => {
    const text = kernelLog(12_000);
    const input = Buffer.concat([gzipSync(text), GARBAGE]);
    await expect(decodeAll(input)).rejects.toThrow(/trailing garbage/);
    const result = runCli(['--json'], input);
    expect(records(result.stdout)).toBe(12_000);
    expect(result.status).toBe(2);
  });

  it('reads concatenated members and ignores trailing zero bytes, as gzip does', async () => {
    const text = kernelLog(300);
    const halfway = text.indexOf('\n', text.length / 2) + 1;
    const { stats } = await decodeAll(Buffer.concat([gzipSync(text.slice(0, halfway)), gzipSync(text.slice(halfway)), Buffer.alloc(512)]));
    expect(stats.records).toBe(300);
  });

  it('reports damage and a cut-off end as damaged gzip data, keeping what came before a cut', () => {
    const compressed = gzipSync(kernelLog(2000));
    const wrongCheck = Buffer.from(compressed);
    wrongCheck[wrongCheck.length - 8] = (wrongCheck[wrongCheck.length - 8] as number) ^ 1;
    const damaged = runCli(['--json'], wrongCheck);
    expect(damaged.status).toBe(2);
    expect(damaged.stderr).toMatch(/standard input: damaged gzip data \(incorrect data check\)/);
    const cut = runCli(['--json'], compressed.subarray(0, compressed.length - 100));
    expect(cut.status).toBe(2);
    expect(cut.stderr).toMatch(/damaged gzip data \(unexpected end of file\)/);
    expect(records(cut.stdout)).toBeGreaterThan(1900);
  });
});
