/**
 * Memory benchmark of explain on 1 000 000 distinct denials (200 000 programs × 5 syscalls,
 * one record each): the worst input for the aggregator, which lists the first LISTED_DENIALS
 * and counts the rest. Peak RSS (VmHWM, polled) must stay under the target for the text and
 * the --json output. Run as installed: the file itself, so the flags of its #! line apply.
 *
 *   node dist/bench/distinct-denials-memory.js [--cache-dir DIR] [--cli dist/src/cli/main.js]
 *
 * Exit status: 0 the target met, 1 missed, 2 the benchmark could not run. docs/benchmarks.md.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../src/package-root.js';

const PROGRAMS = 200_000;
const SYSCALLS = 5;
const TARGET_PEAK_RSS_BYTES = 400_000_000;
const RSS_POLL_MS = 20;
/** Bumped whenever the generated log changes. */
const LOG_VERSION = 1;

/** The log, written once into the cache directory. */
async function ensureLog(directory: string): Promise<string> {
  const path = join(directory, `distinct-denials-v${LOG_VERSION}.log`);
  if (existsSync(path)) return path;
  mkdirSync(directory, { recursive: true });
  const partial = `${path}.partial`;
  const out = createWriteStream(partial);
  let serial = 0;
  for (let syscall = 0; syscall < SYSCALLS; syscall++) {
    const lines: string[] = [];
    for (let program = 0; program < PROGRAMS; program++) {
      serial++;
      lines.push(`type=SECCOMP msg=audit(1678972350.${String(serial % 1000).padStart(3, '0')}:${serial}): auid=4294967295 uid=1009 gid=1008 ses=4294967295 subj=unconfined pid=${1000 + serial} comm="prog" exe="/opt/app${program}/bin/prog" sig=31 arch=c000003e syscall=${syscall} compat=0 ip=0x40440e code=0x80000000\n`);
    }
    if (!out.write(lines.join(''))) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  renameSync(partial, path);
  return path;
}

function peakRss(pid: number): number | null {
  try {
    const match = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Runs the CLI, its stdout discarded, and returns its exit code, stderr and peak RSS. */
function runPolled(cli: string, args: string[]): Promise<{ exitCode: number | null; stderr: string; peakBytes: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cli, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let peakBytes = 0;
    const stderr: Buffer[] = [];
    const poll = (): void => {
      const rss = child.pid === undefined ? null : peakRss(child.pid);
      if (rss !== null) peakBytes = Math.max(peakBytes, rss);
    };
    const poller = setInterval(poll, RSS_POLL_MS);
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearInterval(poller);
      resolve({ exitCode, stderr: Buffer.concat(stderr).toString('utf8'), peakBytes });
    });
  });
}

async function main(): Promise<number> {
  const repo = packageRoot();
  const { values } = parseArgs({
    options: {
      'cache-dir': { type: 'string', default: process.env.SECCOMP_EXPLAIN_BENCH_DIR ?? join(repo, '.cache', 'bench') },
      cli: { type: 'string', default: join(repo, 'dist', 'src', 'cli', 'main.js') },
    },
  });
  if (!existsSync(values.cli)) {
    console.log(`seccomp-explain CLI is not built: ${values.cli} does not exist (run \`npm run build\`).`);
    return 2;
  }
  console.log(`explain memory on ${PROGRAMS * SYSCALLS} distinct denials (${PROGRAMS} programs × ${SYSCALLS} syscalls)`);
  const log = await ensureLog(values['cache-dir']);
  let ok = true;
  for (const args of [[log], ['--json', log]]) {
    const run = await runPolled(values.cli, args);
    const said = /counted, not listed/.test(run.stderr);
    const met = run.exitCode === 0 && said && run.peakBytes > 0 && run.peakBytes < TARGET_PEAK_RSS_BYTES;
    console.log(`${met ? 'ok  ' : 'MISS'} explain ${args.length > 1 ? '--json ' : ''}FILE: peak RSS ${(run.peakBytes / 1e6).toFixed(1)} MB (target < ${TARGET_PEAK_RSS_BYTES / 1e6} MB), exit ${run.exitCode}${said ? ', overflow said' : ', overflow NOT said'}`);
    ok = met && ok;
  }
  return ok ? 0 : 1;
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  return 2;
});
