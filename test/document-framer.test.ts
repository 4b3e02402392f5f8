import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SECCOMP_RECORD_MARKERS } from '../src/formats/index.js';
import { CandidateLineScanner } from '../src/input/candidate-lines.js';
import { DocumentFramer, documentFormOf } from '../src/input/index.js';
import { parseRecordLine } from '../src/records/index.js';
import { FIXTURE_NOW, fixture } from './support/run.js';

/**
 * The bounded document reader in front of the prefilter (src/input/document-framer.ts): the
 * same lines whatever the chunking, every document the record reader takes passed on by the
 * prefilter, a document over the cap skipped and counted, work linear in the input.
 */
const MAX = 64 * 1024;
const markers = SECCOMP_RECORD_MARKERS.map((marker) => Buffer.from(marker));

function frame(input: Buffer, pieceSize: number, maxDocumentBytes = MAX): { framed: string[]; passed: string[]; overlong: number } {
  let overlong = 0;
  const framer = new DocumentFramer({ maxDocumentBytes, markers, onOverlong: () => { overlong++; } });
  const scanner = new CandidateLineScanner({ maxLineBytes: MAX });
  const framed: Buffer[] = [];
  const passed: Buffer[] = [];
  const take = (bytes: Buffer | null): void => {
    if (!bytes) return;
    framed.push(Buffer.from(bytes));
    const lines = scanner.scan(bytes);
    if (lines) passed.push(lines);
  };
  for (let at = 0; at < input.length; at += pieceSize) take(framer.frame(input.subarray(at, at + pieceSize)));
  take(framer.finish());
  const last = scanner.finish();
  if (last) passed.push(last);
  const split = (buffers: Buffer[]): string[] => Buffer.concat(buffers).toString('utf8').split('\n').filter((line) => line !== '');
  return { framed: split(framed), passed: split(passed), overlong };
}

const fleetInputs = readdirSync(fixture('fleet')).flatMap((directory) => readdirSync(fixture('fleet', directory))
  .filter((name) => name.startsWith('input')).map((name) => fixture('fleet', directory, name)));
const inputs = [...fleetInputs, fixture('formats', 'journal-export', 'input.export'), fixture('formats', 'journal-json', 'input.json'), fixture('formats', 'auditd-realistic', 'audit.log')];
const readsAsRecord = (line: string): boolean => parseRecordLine(line, { now: FIXTURE_NOW }) !== null;

describe('the document framer', () => {
  it('tells a source\'s form by its first bytes', () => {
    expect(documentFormOf(Buffer.from('{\n\t"MESSAGE" : "x"\n}\n'), true)).toBe('json');
    expect(documentFormOf(Buffer.from('  [ {"a":1} ]'), true)).toBe('json');
    expect(documentFormOf(Buffer.from('[  188.335115] audit: type=1326'), true)).toBe('lines');
    expect(documentFormOf(Buffer.from('[Thu Mar 16 14:12:30 2023] audit:'), true)).toBe('lines');
    expect(documentFormOf(Buffer.from('__CURSOR=s=1\nMESSAGE=x\n'), true)).toBe('journal-export');
    expect(documentFormOf(Buffer.from('type=SECCOMP msg=audit(1.000:1): x'), true)).toBe('lines');
    expect(documentFormOf(Buffer.from('Nov 23 13:15:03 web1 kernel: x'), true)).toBe('lines');
    expect(documentFormOf(Buffer.from('MESSAGE'), false)).toBeNull();
  });

  it('hands on the same lines however the input is cut, and the prefilter passes every one the record reader takes', () => {
    const whole = new Map(inputs.map((path) => [path, frame(readFileSync(path), 1 << 22)]));
    for (const [path, { framed, passed }] of whole) {
      expect(framed.filter(readsAsRecord).every((line) => passed.includes(line)), path).toBe(true);
      expect(framed.filter(readsAsRecord).length, path).toBeGreaterThan(0);
    }
    fc.assert(fc.property(fc.constantFrom(...inputs), fc.integer({ min: 1, max: 5000 }), (path, pieceSize) => {
      const cut = frame(readFileSync(path), pieceSize);
      const reference = whole.get(path) as { framed: string[]; passed: string[] };
      return JSON.stringify(cut.framed) === JSON.stringify(reference.framed) && JSON.stringify(cut.passed) === JSON.stringify(reference.passed);
    }), { numRuns: 200 });
  });

  it('skips a document over the cap, counts it when it held a record marker, and reads the next one', () => {
    const pretty = readFileSync(fixture('fleet', 'auditbeat-pretty', 'input.json'), 'utf8');
    const huge = `{\n  "padding": "${'x'.repeat(3 * MAX)}",\n  "event": {"action": "violated-seccomp-policy"}\n}\n`;
    const quiet = `{\n  "padding": "${'y'.repeat(3 * MAX)}"\n}\n`;
    for (const pieceSize of [1 << 22, 4096, 7]) {
      const { framed, overlong } = frame(Buffer.from(`${huge}${quiet}${pretty}`), pieceSize);
      expect(overlong).toBe(1);
      expect(framed.filter(readsAsRecord)).toHaveLength(2);
      expect(framed.every((line) => line.length <= MAX)).toBe(true);
    }
  });

  it('skips an export entry over the cap, binary fields included, and counts it when it held a marker', () => {
    const binary = (name: string, value: Buffer): Buffer => {
      const length = Buffer.alloc(8);
      length.writeBigUInt64LE(BigInt(value.length));
      return Buffer.concat([Buffer.from(`${name}\n`), length, value, Buffer.from('\n')]);
    };
    const record = 'type=SECCOMP msg=audit(1795439703.032:13): auid=4294967295 uid=0 gid=0 ses=4294967295 pid=13052 comm="a" exe="/a" sig=31 arch=c000003e syscall=160 compat=0 ip=0x1 code=0x80000000';
    const input = Buffer.concat([
      Buffer.from('__CURSOR=s=1\n_HOSTNAME=web1\n'), binary('BLOB', Buffer.alloc(3 * MAX, 0x0a)), Buffer.from(`MESSAGE=${record}\n\n`),
      Buffer.from('__CURSOR=s=2\n_HOSTNAME=web1\n'), binary('MESSAGE', Buffer.from(`${record}\nsecond line`)), Buffer.from('\n'),
    ]);
    for (const pieceSize of [1 << 22, 1000, 3]) {
      const { framed, overlong } = frame(input, pieceSize);
      expect(overlong).toBe(1);
      expect(framed).toHaveLength(1);
      expect(JSON.parse(framed[0] as string)).toMatchObject({ _HOSTNAME: 'web1', MESSAGE: [...Buffer.from(`${record}\nsecond line`)] });
    }
  });

  it('does work linear in the input (growth ratio, generous margin)', () => {
    const document = readFileSync(fixture('fleet', 'auditbeat-pretty', 'input.json'));
    const measure = (copies: number): number => {
      const input = Buffer.concat(Array.from({ length: copies }, () => document));
      const started = process.hrtime.bigint();
      frame(input, 1 << 22);
      return Number(process.hrtime.bigint() - started);
    };
    measure(50);
    const small = Math.min(measure(100), measure(100));
    const large = Math.min(measure(800), measure(800));
    expect(large / small).toBeLessThan(8 * 4);
  });
});
