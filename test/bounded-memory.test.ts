import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DenialAggregator, DistinctFingerprints, LISTED_DENIALS } from '../src/analysis/index.js';
import { openDenialStore } from '../src/store/index.js';
import { CLI, decodeAll, runCli, temporaryDirectories } from './support/run.js';

const scratch = temporaryDirectories('bounded-memory');

/** A V8 heap far smaller than what 120 000 summaries took before they were bounded (some 400 MB). */
const SMALL_HEAP_MB = 128;

/** An auditd log of `count` SECCOMP records, each of its own program: `count` distinct denials. */
function distinctDenialLog(count: number): string {
  const path = join(scratch(), 'distinct.log');
  const lines: string[] = [];
  for (let index = 0; index < count; index++) {
    lines.push(`type=SECCOMP msg=audit(1678972350.${String(index % 1000).padStart(3, '0')}:${index + 1}): auid=4294967295 uid=1009 gid=1008 ses=4294967295 subj=unconfined pid=${1000 + index} comm="prog" exe="/opt/app${index}/bin/prog" sig=31 arch=c000003e syscall=160 compat=0 ip=0x40440e code=0x80000000\n`);
  }
  writeFileSync(path, lines.join(''));
  return path;
}

/** The command line under a small V8 heap, with the flags of its own `#!` line. */
function runUnderSmallHeap(args: string[]): { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [`--max-old-space-size=${SMALL_HEAP_MB}`, '--max-semi-space-size=2', '--single-threaded-gc', CLI, ...args], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', TZ: 'UTC' },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { status: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

describe('many distinct denials', () => {
  it('the aggregator lists the first groups met and counts the distinct others', async () => {
    const { denials } = await decodeAll([distinctDenialLog(10)]);
    const aggregator = new DenialAggregator(3);
    for (const denial of [...denials, ...denials]) aggregator.add(denial);
    expect(aggregator.summaries().map((summary) => [summary.exe, summary.count])).toEqual([
      ['/opt/app0/bin/prog', 2], ['/opt/app1/bin/prog', 2], ['/opt/app2/bin/prog', 2],
    ]);
    expect(aggregator.overflow).toBe(7);
  });

  it(`explain of 120 000 distinct denials runs in a ${SMALL_HEAP_MB} MB heap, lists ${LISTED_DENIALS} and counts the rest`, () => {
    const log = distinctDenialLog(120_000);
    const text = runUnderSmallHeap([log]);
    expect(text.signal).toBeNull();
    expect(text.status).toBe(0);
    const overflow = `${120_000 - LISTED_DENIALS}`.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    expect(text.stdout.endsWith(`\n50,000 distinct denials from 120,000 seccomp records in 120,000 lines; ${overflow} more distinct denials not listed\n`)).toBe(true);
    expect(text.stderr).toBe(`seccomp-explain: ${overflow} more distinct denials were counted, not listed: only the first 50,000 are kept, to bound memory (narrow the input with --exe, --comm, --since or --until)\n`);

    const json = runUnderSmallHeap(['--json', log]);
    expect(json.status).toBe(0);
    const document = JSON.parse(json.stdout) as { denials: { exe: string }[]; stats: { overflow: number } };
    expect(document.denials).toHaveLength(LISTED_DENIALS);
    expect(document.denials[0]?.exe).toBe('/opt/app0/bin/prog');
    expect(document.stats.overflow).toBe(120_000 - LISTED_DENIALS);
  }, 60_000);

  it('report lists the first groups stored and counts the others', () => {
    const db = join(scratch(), 'denials.db');
    expect(runCli(['ingest', '--db', db, distinctDenialLog(LISTED_DENIALS + 10)]).status).toBe(0);
    const report = runCli(['report', '--json', '--db', db]);
    expect(report.status).toBe(0);
    const document = JSON.parse(report.stdout) as { denials: { exe: string }[]; stats: { records: number; filtered: number; overflow: number } };
    expect(document.denials).toHaveLength(LISTED_DENIALS);
    expect(document.denials.at(-1)?.exe).toBe(`/opt/app${LISTED_DENIALS - 1}/bin/prog`);
    expect(document.stats).toMatchObject({ records: LISTED_DENIALS + 10, filtered: 0, overflow: 10 });
    expect(report.stderr).toContain('seccomp-explain: 10 more distinct denials were counted, not listed');
    // watch tells every stored distinct denial from a new one, past the listed ones too.
    const store = openDenialStore(db, { readOnly: true });
    const seen = new DistinctFingerprints(LISTED_DENIALS * 2);
    try {
      for (const key of store.groupKeys()) seen.add(key);
    } finally {
      store.close();
    }
    expect(seen.count).toBe(LISTED_DENIALS + 10);
    expect(seen.addNew(`/opt/app${LISTED_DENIALS + 5}/bin/prog`)).toBe(true);
    expect(seen.addNew(`/opt/app${LISTED_DENIALS + 5}/bin/prog`)).toBe(false);
  }, 60_000);
});
