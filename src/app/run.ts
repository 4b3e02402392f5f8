import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { posix } from 'node:path';
import { callKey, SessionRecords, SESSION_MARKER_CALL, type DenialSummary, type MarkerExpectation, type Verification } from '../analysis/index.js';
import type { AbiRegistry, DecodeOptions, Denial } from '../decode/index.js';
import { packageVersion } from '../package-root.js';
import {
  dropInHeader, type BaselineCall, type CommandExit, type RecordLoss, type RunReport, type RunVerdict,
} from '../render/index.js';
import {
  attributeDenial, broadAlternative, filterOptionsConfiguration, runProperties, suggestDropIn, unitWarnings, wouldBeDenials,
  type Finding, type RunMode, type SystemdGroups, type TransientProperty, type UnitConfiguration,
} from '../systemd/index.js';
import { SYSTEM_UNIT_DIRECTORY } from './drop-in-writer.js';
import {
  actionsLogged, auditExcludeRules, auditLostCount, kernelLogLossSince, readTrustedRecordsSince, recordsAreComplete, requireSystemdWithSystemCallLog,
  pid1LogsSeccomp,
} from './kernel-records.js';
import { replaceFile } from './file-replacement.js';
import { sudoInvoker } from './invoking-user.js';
import { FileNotRead, readRegularFile } from './regular-file.js';
import { loadUnit } from './unit-loading.js';
import { tellSkippedFiles } from './unit-tree.js';
import { UsageError } from './usage-error.js';

/** The PAM service each run's process opens: pam_loginuid gives it an audit session of its own (docs/run.md). */
export const RUN_PAM_SERVICE = 'seccomp-explain-run';
const RUN_PAM_FILE = `/etc/pam.d/${RUN_PAM_SERVICE}`;
const RUN_PAM_TEXT = [
  '# seccomp-explain run: each run\'s processes get an audit session of their own, so that the',
  '# kernel\'s records of them can be told from every other process\'s (docs/run.md).',
  'account  required pam_permit.so',
  'session  required pam_loginuid.so',
  '',
].join('\n');
const STATE_DIRECTORY = '/run/seccomp-explain';
/** How long to wait for the run's records to reach the journal after it ends. */
const RECORD_WAIT_MS = 3_000;
/**
 * Environment variables not passed on: those systemd sets for a service (a caller's value would
 * override systemd's, `EXIT_STATUS` among them), those that describe the caller's own service,
 * and the user's identity, which systemd derives from the user the command runs as.
 */
const NOT_PASSED = new Set([
  'NOTIFY_SOCKET', 'LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES', 'INVOCATION_ID', 'JOURNAL_STREAM', 'WATCHDOG_PID', 'WATCHDOG_USEC',
  'MAINPID', 'MANAGERPID', 'SERVICE_RESULT', 'EXIT_CODE', 'EXIT_STATUS', 'RUNTIME_DIRECTORY', 'STATE_DIRECTORY', 'CACHE_DIRECTORY',
  'LOGS_DIRECTORY', 'CONFIGURATION_DIRECTORY', 'CREDENTIALS_DIRECTORY', 'SYSTEMD_EXEC_PID', 'PIDFILE', 'REMOTE_ADDR', 'REMOTE_PORT',
  'HOME', 'USER', 'LOGNAME', 'SHELL',
]);
const NOT_PASSED_PREFIXES = ['MONITOR_', 'TRIGGER_'];
/** The command of the fence, the service started after the run: its exec is logged after all of the run's records. */
const FENCE_COMMAND = '/bin/true';

/** Where the filter comes from: a unit (live, its files, or an image's), or `--filter` values. */
export type FilterSource =
  | { code: 'unit'; unit?: string; unitFiles: string[]; root: string | null }
  | { code: 'options'; filters: string[]; architectures: string[] };

export interface RunRequest {
  command: string[];
  filter: FilterSource;
  mode: RunMode;
  tables: AbiRegistry;
  groups: SystemdGroups;
  /** What `SystemCallArchitectures=native` admits. */
  nativeAbi: string;
  /** `--baseline`: the calls an earlier run reported; only others fail the run. */
  baselineFile: string | null;
}

/** The PAM service of the runs: written once, atomically; another file of that name is not ours to replace. */
function ensurePamService(): void {
  if (existsSync(RUN_PAM_FILE)) {
    if (readFileSync(RUN_PAM_FILE, 'utf8') === RUN_PAM_TEXT) return;
    throw new UsageError(`${RUN_PAM_FILE} is not the file seccomp-explain writes: remove it, or restore it from docs/run.md`);
  }
  try {
    replaceFile(RUN_PAM_FILE, RUN_PAM_TEXT, { mode: 0o644 });
  } catch (error) {
    throw new UsageError(`cannot write ${RUN_PAM_FILE}: ${(error as Error).message}`);
  }
}

/** The filter's unit configuration, and what loaded it. */
function resolveFilter(filter: FilterSource, tell: (message: string) => void): { configuration: UnitConfiguration; filesFrom: string; howFound: string } {
  if (filter.code === 'options') {
    if (filter.filters.length === 0 && filter.architectures.length === 0) throw new UsageError('give the filter: --unit NAME, --unit-file FILE, or --filter SPEC');
    return { configuration: filterOptionsConfiguration('seccomp-explain-run.service', filter.filters, filter.architectures), filesFrom: '--filter and --architectures', howFound: 'the filter given with --filter' };
  }
  const loaded = loadUnit(filter.unit, filter.unitFiles, filter.root, tellSkippedFiles(tell));
  return { configuration: loaded.configuration, filesFrom: loaded.filesFrom, howFound: filter.unit !== undefined ? 'named with --unit' : 'named by the --unit-file' };
}

function readBaseline(path: string): BaselineCall[] {
  let text: string;
  try {
    text = readRegularFile(path, { followLinks: true });
  } catch (error) {
    if (error instanceof FileNotRead) throw new UsageError(`--baseline ${error.message}`);
    throw error;
  }
  let findings: unknown;
  try {
    findings = (JSON.parse(text) as { findings?: unknown }).findings;
  } catch {
    throw new UsageError(`--baseline ${path}: not JSON (give the file an earlier run --json wrote)`);
  }
  if (!Array.isArray(findings)) throw new UsageError(`--baseline ${path}: no "findings" list (give the file an earlier run --json wrote)`);
  return findings.map((entry: unknown) => {
    const { abi, syscall } = (entry ?? {}) as Record<string, unknown>;
    return { abi: typeof abi === 'string' ? abi : null, syscall: typeof syscall === 'string' ? syscall : null };
  });
}

/** The seccomp actions whose records the run needs (`errno`: an enforced errno), and the ones the kernel will not log. */
function missingActions(mode: RunMode, errno: boolean, logged: Set<string>): string[] {
  const needed = mode.code === 'log' ? ['log', 'kill_thread'] : ['log', 'kill_process', 'kill_thread', ...(errno ? ['errno'] : [])];
  return needed.filter((action) => !logged.has(action));
}

/** Each environment variable the program gets from the caller, by name only: values never reach a command line. */
function environmentNames(): string[] {
  return Object.keys(process.env)
    .filter((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !NOT_PASSED.has(name) && !NOT_PASSED_PREFIXES.some((prefix) => name.startsWith(prefix)))
    .sort();
}

/** The invoking user when run through sudo, else root. */
function invokingUser(): { uid: number; gid: number } {
  return sudoInvoker() ?? { uid: 0, gid: 0 };
}

function systemdRunArguments(unit: string, stateDirectory: string, properties: TransientProperty[], command: string[]): string[] {
  const user = invokingUser();
  return [
    `--unit=${unit}`, '--description=seccomp-explain run', '--wait', '--pipe', '--collect', '--quiet', '--service-type=exec',
    `--uid=${user.uid}`, `--gid=${user.gid}`, `--working-directory=${process.cwd()}`,
    '-p', `PAMName=${RUN_PAM_SERVICE}`,
    // Run unfiltered ('+') by systemd itself: the main process's pid as PID 1 sees it, and how it
    // ended. `$$` leaves the variables to the shell, which expands them as data, never as code.
    '-p', `ExecStartPost=+/bin/sh -c 'echo "$$MAINPID" >${stateDirectory}/main-pid'`,
    '-p', `ExecStopPost=+/bin/sh -c 'echo "$$EXIT_CODE" "$$EXIT_STATUS" >${stateDirectory}/exit'`,
    ...properties.flatMap(({ key, value }) => ['-p', `${key}=${value}`]),
    ...environmentNames().flatMap((name) => ['-E', name]),
    '--', ...command,
  ];
}

/** Runs the command as a transient service, passing the terminal's signals on as a stop. */
async function runTransient(unit: string, args: string[]): Promise<{ interrupted: boolean; status: number | null }> {
  let interrupted = false;
  const stop = (): void => {
    interrupted = true;
    spawnSync('systemctl', ['stop', '--no-block', unit], { stdio: 'ignore' });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    const status = await new Promise<number | null>((resolve, reject) => {
      const child = spawn('systemd-run', args, { stdio: 'inherit' });
      child.on('error', reject);
      child.on('close', (code) => resolve(code));
    });
    return { interrupted, status };
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

function readExit(stateDirectory: string, systemdRunStatus: number | null): CommandExit {
  let words: string[] = [];
  try {
    words = readFileSync(posix.join(stateDirectory, 'exit'), 'utf8').trim().split(/\s+/);
  } catch {
    return { code: 'not-started', status: systemdRunStatus ?? 1 };
  }
  const [code, status] = words;
  if ((code === 'killed' || code === 'dumped') && status) return { code, signal: status.startsWith('SIG') ? status : `SIG${status}` };
  if (code === 'exited' && status !== undefined && /^\d+$/.test(status)) return { code: 'exited', status: Number(status) };
  return { code: 'not-started', status: systemdRunStatus ?? 1 };
}

function readMainPid(stateDirectory: string): number | null {
  try {
    const text = readFileSync(posix.join(stateDirectory, 'main-pid'), 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}

/** The executables that exec a service's command: PID 1's, and systemd-executor beside it (255 and later). */
function serviceExecers(): string[] {
  try {
    const pid1 = readlinkSync('/proc/1/exe');
    return [pid1, posix.join(posix.dirname(pid1), 'systemd-executor')];
  } catch {
    return [];
  }
}

/** Whether this runs in a container: the kernel's records then carry the host's pids, not the ones PID 1 knows. */
function inContainer(): boolean {
  return existsSync('/run/systemd/container') || existsSync('/.dockerenv');
}

/**
 * The fence: a service started after the run, whose exec is logged. The kernel queues audit
 * records in order, so once its record is read, every record of the run was there to read.
 */
function startFence(): { started: number } | null {
  const unit = `seccomp-explain-fence-${randomBytes(6).toString('hex')}.service`;
  const started = Date.now();
  const result = spawnSync('systemd-run', [`--unit=${unit}`, '--wait', '--collect', '--quiet', '-p', `SystemCallLog=${SESSION_MARKER_CALL}`, '--', FENCE_COMMAND], { stdio: 'ignore', timeout: 10_000 });
  return result.status === 0 ? { started } : null;
}

function isFence(denial: Denial, execers: string[], started: number): boolean {
  // No PAM session: a run of /bin/true itself has one, and is no fence.
  return denial.syscall === SESSION_MARKER_CALL && denial.action === 'log' && denial.comm === `(${posix.basename(FENCE_COMMAND)})` && denial.ses === null
    && denial.exe !== null && (execers.length === 0 || execers.includes(denial.exe))
    && denial.time !== null && denial.time >= Math.floor(started / 1000) * 1000;
}

/**
 * The run's records: read until the fence's record is there (every record of the run was queued
 * before it), or, without a fence, until the run's marker is there, and once more.
 */
async function gatherRunRecords(expected: MarkerExpectation, fence: { started: number } | null, decode: DecodeOptions, tell: (message: string) => void): Promise<{ records: SessionRecords; fenced: boolean }> {
  const deadline = Date.now() + RECORD_WAIT_MS;
  for (let attempt = 0; ; attempt++) {
    const records = new SessionRecords(expected);
    let fenced = false;
    await readTrustedRecordsSince(expected.since, decode, tell, (denial, verification) => {
      if (fence !== null && isFence(denial, expected.execers, fence.started)) fenced = true;
      else records.add(denial, verification);
    });
    if (fenced || Date.now() >= deadline) return { records, fenced };
    if (fence === null && records.markers.length > 0 && attempt > 0) return { records, fenced };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function sameCall(finding: Finding, call: BaselineCall): boolean {
  return finding.summary.abi === call.abi && (finding.summary.syscall ?? finding.allow) === call.syscall;
}

/**
 * `run`: runs the command under the filter as a transient service (docs/run.md): log mode lists
 * every call outside the filter in one run; enforce mode runs the real filter. Says what would
 * have blocked each call and the drop-in that allows exactly those, proven by replay, as suggest
 * does. The command's own output passes through untouched; messages go to `tell`.
 */
export async function run(request: RunRequest, tell: (message: string) => void): Promise<RunReport> {
  const { tables, groups, mode } = request;
  if (request.command.length === 0) throw new UsageError('give the command to run after --: seccomp-explain run --unit NAME -- COMMAND [ARGS…]');
  const baseline = request.baselineFile === null ? null : readBaseline(request.baselineFile);
  const { configuration, filesFrom, howFound } = resolveFilter(request.filter, tell);
  requireSystemdWithSystemCallLog('run', 'starts the command as a systemd service (the command itself runs as you)');
  ensurePamService();
  const properties = runProperties(configuration, groups, mode);

  const losses: RecordLoss[] = [];
  const errnoValue = mode.code === 'enforce' ? (mode.errno ?? properties.filter((property) => property.key === 'SystemCallErrorNumber').at(-1)?.value ?? null) : null;
  const errno = errnoValue !== null && errnoValue !== '' && errnoValue !== 'kill' ? errnoValue : null;
  if (errno !== null && pid1LogsSeccomp() !== true) losses.push({ code: 'errno-unlogged', errno });
  const missingBefore = missingActions(mode, errno !== null, actionsLogged());
  if (missingBefore.length > 0) losses.push({ code: 'actions-logged', missing: missingBefore, when: 'before' });
  const rules = auditExcludeRules();
  if (rules.length > 0) losses.push({ code: 'audit-exclude-rules', rules });
  if (!recordsAreComplete()) losses.push({ code: 'ring-buffer-only' });
  const lostBefore = auditLostCount();

  const unit = `seccomp-explain-run-${randomBytes(6).toString('hex')}.service`;
  const stateDirectory = posix.join(STATE_DIRECTORY, unit);
  try {
    mkdirSync(stateDirectory, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new UsageError(`cannot make ${stateDirectory}: ${(error as Error).message}`);
  }
  const expected: MarkerExpectation = { execers: serviceExecers(), since: Date.now(), loginUid: invokingUser().uid };
  const since = expected.since;
  let exit: CommandExit;
  let mainPid: number | null;
  try {
    const ran = await runTransient(unit, systemdRunArguments(unit, stateDirectory, properties, request.command));
    if (ran.interrupted) losses.push({ code: 'interrupted' });
    exit = readExit(stateDirectory, ran.status);
    mainPid = readMainPid(stateDirectory);
  } finally {
    rmSync(stateDirectory, { recursive: true, force: true });
  }

  const decode: DecodeOptions = { tables, assumedAbi: request.nativeAbi };
  const fence = startFence();
  const { records, fenced } = await gatherRunRecords(expected, fence, decode, tell);
  if (fence === null) losses.push({ code: 'no-fence' });
  else if (!fenced) losses.push({ code: 'records-late' });
  const missingAfter = missingActions(mode, errno !== null, actionsLogged()).filter((action) => !missingBefore.includes(action));
  if (missingAfter.length > 0) losses.push({ code: 'actions-logged', missing: missingAfter, when: 'after' });
  const lostAfter = auditLostCount();
  if (lostBefore !== null && lostAfter !== null && lostAfter > lostBefore) losses.push({ code: 'audit-lost', lost: lostAfter - lostBefore });
  const kernelLog = await kernelLogLossSince(since);
  for (const line of kernelLog?.lostLines ?? []) losses.push({ code: 'kernel-dropped', line });
  // The kernel log's rate limit loses records only where nothing else carries them.
  if (kernelLog !== null && kernelLog.suppressed > 0 && !recordsAreComplete()) losses.push({ code: 'kernel-dropped', line: `kauditd_printk_skb: ${kernelLog.suppressed} callbacks suppressed` });
  const { session, problem } = records.session(mainPid, !inContainer());
  // Without `log` in actions_logged the marker is never logged: that loss is already said.
  if (problem !== null && exit.code !== 'not-started' && !(problem.code === 'no-session-marker' && missingBefore.includes('log'))) losses.push(problem);

  const own = session === null ? null : records.callsOf(session);
  const verifications = own?.verifications ?? new Map<string, Verification>();
  const outside: DenialSummary[] = wouldBeDenials(own?.aggregator.summaries() ?? [], configuration, groups);
  const context = { configuration, groups, tables, nativeAbi: request.nativeAbi };
  const findings = outside.map((summary) => attributeDenial(summary, context));
  const dropIn = findings.length === 0 ? null : suggestDropIn(findings, {
    ...context,
    dropInDirectory: posix.join(request.filter.code === 'unit' && request.filter.root !== null ? request.filter.root : '/', SYSTEM_UNIT_DIRECTORY),
    header: dropInHeader(packageVersion(), findings.filter((finding) => finding.allow !== null).map((finding) => finding.summary)),
  });
  const newFindings = baseline === null ? findings : findings.filter((finding) => !baseline.some((call) => sameCall(finding, call)));
  const verdict: RunVerdict = losses.length > 0 ? 'inconclusive'
    : newFindings.length > 0 ? 'denials'
      : exit.code === 'exited' && exit.status === 0 ? 'pass' : 'failed';
  return {
    verdict,
    command: request.command,
    exit,
    mode,
    filter: { source: request.filter.code, properties },
    transientUnit: unit,
    session,
    suggestion: {
      unit: configuration.unit,
      howFound,
      filesFrom,
      groupsSource: groups.source,
      findings: findings.map((finding) => ({ finding, broader: broadAlternative(finding, configuration, groups, tables), verification: verifications.get(callKey(finding.summary)) ?? { code: 'unverified', reason: 'text' }, withheld: null })),
      dropIn,
      written: null,
      root: request.filter.code === 'unit' ? request.filter.root : null,
      warnings: unitWarnings(configuration, groups, findings, null),
    },
    newFindings,
    baselineFile: request.baselineFile,
    losses,
  };
}
