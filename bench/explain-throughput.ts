/**
 * Throughput and memory benchmark of `seccomp-explain explain --json` on a large auditd log,
 * against `grep -F -c type=SECCOMP` and `ausearch -m SECCOMP` on the same page-cached file.
 *
 *   npm run bench                                 # 1 GiB log, cached in .cache/bench/
 *   npm run bench -- --size 256M                  # quick run (or SECCOMP_EXPLAIN_BENCH_SIZE=256M)
 *   npm run bench -- --size 4G --skip-ausearch    # does peak RSS stay flat?
 *   options: --runs N, --cache-dir DIR, --ausearch-timeout S, --cli dist/src/cli/main.js
 *
 * Exit status: 0 all targets met, 1 a target missed, 2 the benchmark could not run
 * (CLI not built, wrong output). See docs/benchmarks.md.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureAuditLog, formatSize, parseSize, type GeneratedLog } from './generate-audit-log.js';
import { packageRoot } from '../src/package-root.js';

const TARGET_GREP_RATIO = 0.67;
const TARGET_AUSEARCH_RATIO = 10;
const TARGET_PEAK_RSS_BYTES = 150_000_000;
const RSS_POLL_MS = 20;

interface Options {
  sizeBytes: number;
  runs: number;
  cacheDir: string;
  ausearchTimeoutS: number;
  skipAusearch: boolean;
  cli: string;
}

interface Run {
  seconds: number;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  timedOut: boolean;
  /** VmHWM of the child, polled; null when not asked for or never read. */
  peakRssBytes: number | null;
}

interface Measurement {
  label: string;
  runs: Run[];
  best: Run;
}

function readOptions(repo: string): Options {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: process.env.SECCOMP_EXPLAIN_BENCH_SIZE ?? '1G' },
      runs: { type: 'string', default: '3' },
      'cache-dir': { type: 'string', default: process.env.SECCOMP_EXPLAIN_BENCH_DIR ?? join(repo, '.cache', 'bench') },
      'ausearch-timeout': { type: 'string', default: '300' },
      'skip-ausearch': { type: 'boolean', default: false },
      cli: { type: 'string', default: join(repo, 'dist', 'src', 'cli', 'main.js') },
    },
  });
  return {
    sizeBytes: parseSize(values.size),
    runs: Math.max(1, Number(values.runs)),
    cacheDir: values['cache-dir'],
    ausearchTimeoutS: Number(values['ausearch-timeout']),
    skipAusearch: values['skip-ausearch'],
    cli: values.cli,
  };
}

/** Reads the whole file once so every timed command sees it in the page cache. */
function warmPageCache(path: string): void {
  const buffer = Buffer.allocUnsafe(8 * 1024 * 1024);
  const fd = openSync(path, 'r');
  try {
    while (readSync(fd, buffer, 0, buffer.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

function readPeakRss(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null; // already gone
  }
}

/** Runs a command (no shell), timing it from spawn to exit; optionally polls its peak RSS. */
function runTimed(command: string, args: string[], opts: { timeoutS?: number; pollRss?: boolean } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let peakRssBytes: number | null = null;
    let timedOut = false;
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const pollRss = () => {
      const rss = child.pid === undefined ? null : readPeakRss(child.pid);
      if (rss !== null) peakRssBytes = Math.max(peakRssBytes ?? 0, rss);
    };
    const poller = opts.pollRss ? setInterval(pollRss, RSS_POLL_MS) : undefined;
    const timer =
      opts.timeoutS === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, opts.timeoutS * 1000);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const seconds = (performance.now() - started) / 1000;
      clearInterval(poller);
      clearTimeout(timer);
      resolve({
        seconds,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        exitCode,
        timedOut,
        peakRssBytes,
      });
    });
    if (opts.pollRss) pollRss();
  });
}

async function measure(label: string, times: number, run: () => Promise<Run>): Promise<Measurement> {
  const runs: Run[] = [];
  for (let i = 0; i < times; i++) runs.push(await run());
  const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  return { label, runs, best };
}

/** The directory holding the `ausearch` wrapper, or null (with the reason printed). */
async function findAuditTools(repo: string): Promise<string | null> {
  const fromEnv = process.env.SECCOMP_EXPLAIN_AUDIT_TOOLS;
  if (fromEnv) return fromEnv;
  const script = join(repo, 'scripts', 'fetch-audit-tools');
  if (!existsSync(script)) return null;
  const run = await runTimed(script, []).catch(() => null);
  if (run?.exitCode !== 0) {
    console.log(`ausearch: not available (${relative(repo, script)} failed: ${run?.stderr.trim().split('\n').pop() ?? 'could not run'})`);
    return null;
  }
  return run.stdout.trim();
}

/** `stats.records` from the CLI's `--json` output, or an explanation of why it is not there. */
function recordsFromJson(stdout: string): number | string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout);
  } catch (error) {
    return `output is not JSON (${(error as Error).message}); first bytes: ${JSON.stringify(stdout.slice(0, 120))}`;
  }
  const stats = (parsed as { stats?: { records?: unknown } } | null)?.stats;
  return typeof stats?.records === 'number' ? stats.records : 'output has no numeric stats.records';
}

function formatRun(run: Run): string {
  return run.timedOut ? `>${run.seconds.toFixed(0)} (timeout)` : run.seconds.toFixed(2);
}

function printTable(log: GeneratedLog, measurements: Measurement[]): void {
  const rows = measurements.map((m) => [
    m.label,
    m.runs.map(formatRun).join('  '),
    formatRun(m.best),
    m.best.timedOut ? '-' : `${(log.bytes / m.best.seconds / 1e6).toFixed(0)} MB/s`,
  ]);
  const header = ['command', 'runs (s)', 'best (s)', 'throughput'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
}

function verdict(ok: boolean | null, text: string): boolean {
  console.log(`  ${ok === null ? 'N/A ' : ok ? 'PASS' : 'FAIL'}  ${text}`);
  return ok !== false;
}

async function main(): Promise<number> {
  const repo = packageRoot();
  const options = readOptions(repo);
  const cli = options.cli;

  mkdirSync(options.cacheDir, { recursive: true });
  const generating = performance.now();
  const { log, reused } = ensureAuditLog(options.cacheDir, options.sizeBytes);
  const generatedIn = ((performance.now() - generating) / 1000).toFixed(1);
  console.log(
    `log: ${log.path} (${reused ? 'cached' : `generated in ${generatedIn} s`})\n` +
      `     ${formatSize(log.bytes)}, ${log.lines} lines, ${log.seccompRecords} type=SECCOMP records ` +
      `(${((100 * log.seccompRecords) / log.lines).toFixed(3)} %)`,
  );
  warmPageCache(log.path);

  const measurements: Measurement[] = [];
  const grep = await measure('grep -F -c type=SECCOMP FILE', options.runs, () => runTimed('grep', ['-F', '-c', 'type=SECCOMP', log.path]));
  measurements.push(grep);
  const grepCount = Number(grep.best.stdout.trim());

  const cliBuilt = existsSync(cli);
  const explain = cliBuilt
    ? await measure('seccomp-explain explain FILE --json', options.runs, () =>
        // Run as installed: the file itself, so the node flags of its #! line apply.
        runTimed(cli, ['explain', log.path, '--json'], { pollRss: true }),
      )
    : null;
  if (explain) measurements.push(explain);

  const tools = options.skipAusearch ? null : await findAuditTools(repo);
  const ausearch = tools
    ? await measure('ausearch -m SECCOMP --input FILE', 1, () =>
        runTimed(join(tools, 'ausearch'), ['-m', 'SECCOMP', '--input', log.path], { timeoutS: options.ausearchTimeoutS }),
      )
    : null;
  if (ausearch) measurements.push(ausearch);

  console.log('');
  printTable(log, measurements);
  if (ausearch) {
    const events = (ausearch.best.stdout.match(/^type=SECCOMP /gm) ?? []).length;
    console.log(`ausearch printed ${events} SECCOMP records${ausearch.best.timedOut ? ' before it was killed' : ''}`);
  }

  console.log('\nverdicts');
  let ok = verdict(grepCount === log.seccompRecords, `grep count ${grepCount} = generated ${log.seccompRecords}`);
  if (!explain) {
    console.log(`\nseccomp-explain CLI is not built: ${relative(repo, cli)} does not exist (run \`npm run build\`).`);
    console.log('Only the generator and the baselines were measured.');
    return 2;
  }
  const failed = explain.runs.find((run) => typeof recordsFromJson(run.stdout) === 'string');
  if (failed) {
    console.log(`\nseccomp-explain did not produce usable --json output (exit ${failed.exitCode}): ${recordsFromJson(failed.stdout)}`);
    if (failed.stderr.trim()) console.log(`stderr: ${failed.stderr.trim().slice(0, 2000)}`);
    return 2;
  }
  const records = explain.runs.map((run) => recordsFromJson(run.stdout) as number);
  ok = verdict(records.every((n) => n === grepCount), `explain stats.records ${records.join('/')} = grep count ${grepCount} (exit ${explain.runs.map((run) => run.exitCode).join('/')})`) && ok;

  const grepRatio = grep.best.seconds / explain.best.seconds;
  ok = verdict(grepRatio >= TARGET_GREP_RATIO, `throughput vs grep: grep/explain = ${grepRatio.toFixed(2)} (target >= ${TARGET_GREP_RATIO})`) && ok;

  if (ausearch) {
    const ratio = ausearch.best.seconds / explain.best.seconds;
    const met = ratio >= TARGET_AUSEARCH_RATIO;
    const text = `vs ausearch: ausearch/explain = ${ausearch.best.timedOut ? '>' : ''}${ratio.toFixed(1)}x (target >= ${TARGET_AUSEARCH_RATIO}x)`;
    ok = verdict(met ? true : ausearch.best.timedOut ? null : false, ausearch.best.timedOut && !met ? `${text}, inconclusive: ausearch timed out` : text) && ok;
  } else {
    verdict(null, `vs ausearch: ${options.skipAusearch ? 'skipped (--skip-ausearch)' : 'ausearch not available'}`);
  }

  const peaks = explain.runs.map((run) => run.peakRssBytes ?? 0);
  const peak = Math.max(...peaks);
  ok = verdict(
    peak > 0 && peak < TARGET_PEAK_RSS_BYTES,
    `peak RSS ${(peak / 1e6).toFixed(1)} MB, runs ${peaks.map((p) => (p / 1e6).toFixed(1)).join('/')} (target < ${TARGET_PEAK_RSS_BYTES / 1e6} MB, VmHWM polled every ${RSS_POLL_MS} ms)`,
  ) && ok;

  return ok ? 0 : 1;
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  return 2;
});
