import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CandidateLineScanner } from '../src/input/candidate-lines.js';
import { fixture, REPO, runCli, temporaryDirectories } from './support/run.js';

// The workers run compiled JavaScript, so this test drives the build `npm test` made first.
const { scanFileInParallel, PARALLEL_SCAN_MIN_BYTES } = (await import(join(REPO, 'dist', 'src', 'input', 'parallel-file-scan.js'))) as typeof import('../src/input/parallel-file-scan.js');

const MAX_LINE_BYTES = 64 * 1024;

function scanSequentially(input: Buffer): { lines: string; counts: object } {
  const scanner = new CandidateLineScanner({ maxLineBytes: MAX_LINE_BYTES });
  const found = [scanner.scan(input), scanner.finish()].filter((part): part is Buffer => part !== null);
  return { lines: Buffer.concat(found).toString('latin1'), counts: { ...scanner.counts } };
}

async function scanInParallel(path: string, threads: number): Promise<{ lines: string; counts: object }> {
  const counts = { bytes: 0, lines: 0, overlongRecords: 0 };
  const found: Buffer[] = [];
  const size = readFileSync(path).length;
  for await (const part of scanFileInParallel(path, size, { maxLineBytes: MAX_LINE_BYTES }, counts, undefined, threads)) found.push(Buffer.from(part));
  return { lines: Buffer.concat(found).toString('latin1'), counts };
}

describe('scanning a file in ranges on several threads', () => {
  const directory = temporaryDirectories('parallel')();
  const mixed = readFileSync(fixture('formats', 'mixed', 'input.log'));
  const overlong = Buffer.from(`type=SECCOMP ${'x'.repeat(MAX_LINE_BYTES + 10)}\n`);
  const inputs: Record<string, Buffer> = {
    'mixed log, many times': Buffer.concat(Array.from({ length: 40 }, () => mixed)),
    'no final newline': mixed.subarray(0, mixed.length - 1),
    'an overlong record across ranges': Buffer.concat([mixed, overlong, mixed]),
    'one line': Buffer.from(readFileSync(fixture('reported', 'mattermost-setrlimit.log'))),
    'empty lines only': Buffer.from('\n\n\n\n'),
  };

  for (const [name, input] of Object.entries(inputs)) {
    it(`finds the same lines and counts as one scanner: ${name}`, async () => {
      const path = join(directory, `${name.replace(/\W+/g, '-')}.log`);
      writeFileSync(path, input);
      const expected = scanSequentially(input);
      for (const threads of [1, 2, 3, 4, 7, 64]) {
        expect(await scanInParallel(path, threads), `${threads} threads`).toEqual(expected);
      }
    });
  }

  it('closes its own range and stops its workers when the reader stops early', async () => {
    const path = join(directory, 'stopped-early.log');
    writeFileSync(path, Buffer.concat(Array.from({ length: 400 }, () => mixed)));
    const openFiles = (): number => readdirSync('/proc/self/fd').length;
    const before = openFiles();
    const parts = scanFileInParallel(path, statSync(path).size, { maxLineBytes: MAX_LINE_BYTES }, { bytes: 0, lines: 0, overlongRecords: 0 }, undefined, 2);
    expect((await parts.next()).done).toBe(false);
    await parts.return(undefined);
    expect(openFiles()).toBe(before);
  });

  it('is what the command line uses for a large file, with the same result', () => {
    const block = readFileSync(fixture('formats', 'auditd-realistic', 'audit.log'));
    const copies = Math.ceil(PARALLEL_SCAN_MIN_BYTES / block.length) + 1;
    const path = join(directory, 'large-audit.log');
    writeFileSync(path, Buffer.concat(Array.from({ length: copies }, () => block)));
    const result = runCli(['--json', path]);
    const stats = (JSON.parse(result.stdout) as { stats: { lines: number; records: number; duplicates: number } }).stats;
    expect(stats.lines).toBe(227 * copies);
    expect(stats.records).toBe(8 * copies);
    expect(stats.duplicates).toBe(8 * (copies - 1));
  });
});
