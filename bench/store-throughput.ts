/**
 * Benchmark of the history store (src/store/) on a file database: how fast denials go in,
 * the first time and again, and how fast `report` answers over a million of them.
 *
 *   npm run bench                                  # this, then the explain benchmark
 *   npm run bench:store -- --events 200000         # a quick run
 *   node dist/bench/store-throughput.js --runs 5   # without building
 *   options: --events N (1 000 000; env SECCOMP_EXPLAIN_STORE_BENCH_EVENTS), --runs N (runs of
 *   the command and of each report, 3), --cache-dir DIR (.cache/bench/; env SECCOMP_EXPLAIN_BENCH_DIR)
 *
 * The input is an auditd log in which every line is a SECCOMP record (bench/generate-denial-log.ts).
 * The targets are met by the command a user runs, `seccomp-explain ingest --db FILE LOG`, timed
 * from start to exit, twice on a new store; that pair is run --runs times and the median of
 * each counts, since one run on a shared 2-core VM can be a quarter slower than the next.
 * Beside it, for finding where the time goes: the decoding alone, and the store alone on
 * denials decoded beforehand into memory.
 *
 * Exit status: 0 every target met, 1 a target missed, 2 the benchmark could not run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { emptyStats } from '../src/analysis/index.js';
import { readDenials } from '../src/app/read-denials.js';
import { loadBundledSyscallTables, type Denial } from '../src/decode/index.js';
import { fileSource } from '../src/input/index.js';
import { formatCount } from '../src/render/index.js';
import { openDenialStore, type DenialStore, type StoredDenialFilter } from '../src/store/index.js';
import { ensureDenialLog } from './generate-denial-log.js';
import { packageRoot } from '../src/package-root.js';

const TARGET_INGEST_PER_SECOND = 100_000;
const TARGET_REPORT_SECONDS = 1;
const ABI = 'x86_64';

interface Options {
  events: number;
  runs: number;
  cacheDir: string;
}

function readOptions(repo: string): Options {
  const { values } = parseArgs({
    options: {
      events: { type: 'string', default: process.env.SECCOMP_EXPLAIN_STORE_BENCH_EVENTS ?? '1000000' },
      runs: { type: 'string', default: '3' },
      'cache-dir': { type: 'string', default: process.env.SECCOMP_EXPLAIN_BENCH_DIR ?? join(repo, '.cache', 'bench') },
    },
  });
  const events = Number(values.events);
  const runs = Number(values.runs);
  if (!Number.isSafeInteger(events) || events < 1) throw new Error(`--events ${values.events}: not a count`);
  if (!Number.isSafeInteger(runs) || runs < 1) throw new Error(`--runs ${values.runs}: not a count`);
  return { events, runs, cacheDir: values['cache-dir'] };
}

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

function rate(count: number, time: number): string {
  return `${Math.round(count / time).toLocaleString('en-US')}/s`;
}

function freshStore(path: string): DenialStore {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
  return openDenialStore(path);
}

function storeBytes(path: string): number {
  return ['', '-wal'].reduce((sum, suffix) => sum + (existsSync(`${path}${suffix}`) ? statSync(`${path}${suffix}`).size : 0), 0);
}

const now = Date.now();
const decodeOptions = {
  decode: { tables: loadBundledSyscallTables(), assumedAbi: ABI },
  filter: {},
  now,
  onInputError: (error: Error): never => {
    throw error;
  },
};

function denialsOf(path: string, stats = emptyStats()): AsyncGenerator<Denial> {
  return readDenials([fileSource(path)], decodeOptions, stats);
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function verdict(ok: boolean | null, text: string): boolean {
  console.log(`  ${ok === null ? 'INFO' : ok ? 'PASS' : 'FAIL'}  ${text}`);
  return ok !== false;
}

async function main(): Promise<number> {
  const repo = packageRoot();
  let options: Options;
  try {
    options = readOptions(repo);
  } catch (error) {
    console.error(`store-throughput: ${(error as Error).message}`);
    return 2;
  }
  const generating = performance.now();
  const { log, reused } = ensureDenialLog(options.cacheDir, options.events);
  console.log(`log:   ${relative(repo, log.path)} (${reused ? 'cached' : `written in ${seconds(generating).toFixed(1)} s`})`);
  console.log(`       ${log.events.toLocaleString('en-US')} SECCOMP records, ${(log.bytes / 1e6).toFixed(0)} MB`);
  const storePath = join(options.cacheDir, 'store', 'bench.db');
  mkdirSync(dirname(storePath), { recursive: true });
  console.log(`store: ${relative(repo, storePath)}`);
  console.log('');

  const rows: [string, string, string][] = [];
  const row = (label: string, time: number, count: number): void => void rows.push([label, `${time.toFixed(2)} s`, rate(count, time)]);

  // Decoding alone: what explain does per record, and what the command's reading thread does.
  let started = performance.now();
  let decoded = 0;
  for await (const _denial of denialsOf(log.path)) decoded++;
  const decodeSeconds = seconds(started);
  if (decoded !== log.events) {
    console.error(`store-throughput: decoded ${decoded} events of ${log.events}`);
    return 2;
  }
  row('decode the log (no store)', decodeSeconds, decoded);

  // The command itself, as a user runs it: a new process each time, its own start-up included.
  const cli = join(repo, 'dist', 'src', 'cli', 'main.js');
  const cliStore = join(dirname(storePath), 'cli.db');
  const cliRuns: { seconds: number[]; outputs: string[] }[] = [];
  for (let run = 0; run < options.runs; run++) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${cliStore}${suffix}`, { force: true });
    const pair: { seconds: number[]; outputs: string[] } = { seconds: [], outputs: [] };
    for (let pass = 0; pass < 2; pass++) {
      started = performance.now();
      const result = spawnSync(cli, ['ingest', '--db', cliStore, log.path], { encoding: 'utf8' });
      pair.seconds.push(seconds(started));
      if (result.status !== 0) {
        console.error(`store-throughput: ${cli} ingest exited ${result.status}: ${result.stderr}`);
        return 2;
      }
      pair.outputs.push(result.stdout.trim());
    }
    cliRuns.push(pair);
  }
  const cliSeconds = [0, 1].map((pass) => median(cliRuns.map((pair) => pair.seconds[pass] as number)));
  row('seccomp-explain ingest: first (median)', cliSeconds[0] as number, log.events);
  row('seccomp-explain ingest: second (median)', cliSeconds[1] as number, log.events);

  // The store alone, on denials decoded beforehand.
  const denials: Denial[] = [];
  for await (const denial of denialsOf(log.path)) denials.push(denial);
  const store = freshStore(storePath);
  started = performance.now();
  const firstCounts = await store.ingest(denials, { parsedAt: now, assumedAbi: ABI });
  const firstSeconds = seconds(started);
  row('store alone: first ingest', firstSeconds, denials.length);
  started = performance.now();
  const secondCounts = await store.ingest(denials, { parsedAt: now, assumedAbi: ABI });
  const secondSeconds = seconds(started);
  row('store alone: second ingest', secondSeconds, denials.length);
  const bytes = storeBytes(storePath);

  const times = denials.map((denial) => denial.time as number);
  const week = 7 * 24 * 3600 * 1000;
  const middle = (times[0] as number) + ((times[times.length - 1] as number) - (times[0] as number)) / 2;
  denials.length = 0;
  const reports: [string, StoredDenialFilter][] = [
    ['report, everything', {}],
    ['report --since/--until (one week)', { since: middle, until: middle + week }],
    ['report --exe "*/chrome"', { exe: '*/chrome' }],
    ['report --host web2', { host: 'web2' }],
  ];
  const reportTimes: { label: string; runs: number[]; count: number }[] = [];
  for (const [label, filter] of reports) {
    const runs: number[] = [];
    let count = 0;
    for (let run = 0; run < options.runs; run++) {
      started = performance.now();
      const explanation = store.explanation(filter);
      runs.push(seconds(started));
      count = explanation.summaries.reduce((sum, summary) => sum + summary.count, 0);
    }
    reportTimes.push({ label, runs, count });
  }
  store.close();

  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((cells) => (cells[column] as string).length), ['', 'time', 'rate'][column]?.length ?? 0));
  const line = (cells: string[]): string => cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[0] as number) : cell.padStart(widths[column] as number))).join('   ');
  console.log(line(['', 'time', 'rate']));
  for (const cells of rows) console.log(line(cells));
  console.log('');
  console.log(`store file after ${log.events.toLocaleString('en-US')} events: ${(bytes / 1e6).toFixed(0)} MB (${Math.round(bytes / log.events)} bytes per event)`);
  console.log('');
  for (const [pass, label] of ['seccomp-explain ingest: first', 'seccomp-explain ingest: second'].entries()) {
    const runs = cliRuns.map((pair) => `${(pair.seconds[pass] as number).toFixed(2).padStart(6)} s`).join(' ');
    console.log(`${label.padEnd(36)} ${runs}   (${cliRuns.map((pair) => rate(log.events, pair.seconds[pass] as number)).join(', ')})`);
  }
  for (const { label, runs, count } of reportTimes) {
    console.log(`${label.padEnd(36)} ${runs.map((run) => `${(run * 1000).toFixed(0).padStart(5)} ms`).join(' ')}   ${count.toLocaleString('en-US')} events`);
  }
  console.log('');

  console.log('verdicts');
  let ok = true;
  ok = verdict(firstCounts.added === log.events && secondCounts.known === log.events, `each event stored once: first ${firstCounts.added} added, second ${secondCounts.known} known of ${log.events}`) && ok;
  const events = formatCount(log.events);
  const cliCounts = [`ingested ${events} records: ${events} new denials, 0 already known, 0 malformed`, `ingested ${events} records: 0 new denials, ${events} already known, 0 malformed`];
  const cliOutputs = cliRuns.flatMap((pair) => pair.outputs);
  ok = verdict(cliOutputs.every((output, index) => output.startsWith(cliCounts[index % 2] as string)), `the command says: "${cliRuns[0]?.outputs.join('", then "')}" (every run)`) && ok;
  ok = verdict(reportTimes[0]?.count === log.events, `report counts ${reportTimes[0]?.count} events, stored ${log.events}`) && ok;
  const [cliFirst, cliSecond] = cliSeconds as [number, number];
  ok = verdict(log.events / cliFirst >= TARGET_INGEST_PER_SECOND, `seccomp-explain ingest, first: ${rate(log.events, cliFirst)}, median of ${cliRuns.length} (target >= ${TARGET_INGEST_PER_SECOND.toLocaleString('en-US')}/s)`) && ok;
  ok = verdict(cliSecond <= cliFirst, `seccomp-explain ingest, second: ${rate(log.events, cliSecond)}, median of ${cliRuns.length}, at least as fast as the first`) && ok;
  const slowest = Math.max(...reportTimes.flatMap((report) => report.runs));
  ok = verdict(slowest < TARGET_REPORT_SECONDS, `report over ${log.events.toLocaleString('en-US')} events: slowest run ${(slowest * 1000).toFixed(0)} ms (target < ${TARGET_REPORT_SECONDS * 1000} ms)`) && ok;
  verdict(null, `the parts: decoding alone ${rate(log.events, decodeSeconds)}; the store alone ${rate(log.events, firstSeconds)} first, ${rate(log.events, secondSeconds)} second (the command runs them on two threads at once)`);
  return ok ? 0 : 1;
}

process.exitCode = await main();
