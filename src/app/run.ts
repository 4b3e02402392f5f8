import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readlinkSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { posix } from 'node:path';
import { DenialAggregator, type DenialSummary, type Verification } from '../analysis/index.js';
import type { AbiRegistry, DecodeOptions, Denial } from '../decode/index.js';
import { packageVersion } from '../package-root.js';
import {
  dropInHeader, type BaselineCall, type CommandExit, type RecordLoss, type RunReport, type RunVerdict,
} from '../render/index.js';
import {
  attributeDenial, broadAlternative, filterOptionsConfiguration, runProperties, suggestDropIn, unitWarnings, wouldBeDenials,
  SESSION_MARKER_CALL, type Finding, type RunMode, type SystemdGroups, type TransientProperty, type UnitConfiguration,
} from '../systemd/index.js';
import { SYSTEM_UNIT_DIRECTORY } from './drop-in-writer.js';
import {
  actionsLogged, auditExcludeRules, kernelDropLines, readTrustedRecordsSince, requireSystemdWithSystemCallLog, systemdLogsErrnoDenials,
} from './kernel-records.js';
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
/** Environment variables that describe the caller's own service, not the program's. */
const OWN_SERVICE_VARIABLES = new Set(['NOTIFY_SOCKET', 'LISTEN_FDS', 'LISTEN_PID', 'LISTEN_FDNAMES', 'INVOCATION_ID', 'JOURNAL_STREAM', 'WATCHDOG_PID', 'WATCHDOG_USEC', 'MAINPID', 'MANAGERPID']);

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
  const temporary = `${RUN_PAM_FILE}.seccomp-explain-${process.pid}`;
  writeFileSync(temporary, RUN_PAM_TEXT, { mode: 0o644, flag: 'wx' });
  renameSync(temporary, RUN_PAM_FILE);
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

/** The seccomp actions whose records the run needs, and the ones the kernel will not log. */
function missingActions(mode: RunMode, logged: Set<string>): string[] {
  const needed = mode.code === 'log' ? ['log', 'kill_thread'] : ['log', 'kill_process', 'kill_thread'];
  return needed.filter((action) => !logged.has(action));
}

/** Each environment variable the program gets from the caller, by name only: values never reach a command line. */
function environmentNames(): string[] {
  return Object.keys(process.env).filter((name) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !OWN_SERVICE_VARIABLES.has(name)).sort();
}

/** The invoking user when run through sudo, else root. */
function invokingUser(): { uid: string; gid: string } {
  const uid = process.env.SUDO_UID;
  const gid = process.env.SUDO_GID;
  return uid !== undefined && /^\d+$/.test(uid) && gid !== undefined && /^\d+$/.test(gid) ? { uid, gid } : { uid: '0', gid: '0' };
}

function systemdRunArguments(unit: string, stateDirectory: string, properties: TransientProperty[], command: string[]): string[] {
  const user = invokingUser();
  return [
    `--unit=${unit}`, '--description=seccomp-explain run', '--wait', '--pipe', '--collect', '--quiet', '--service-type=exec',
    `--uid=${user.uid}`, `--gid=${user.gid}`, `--working-directory=${process.cwd()}`,
    '-p', `PAMName=${RUN_PAM_SERVICE}`,
    // Run unfiltered ('+') by systemd itself: the main process's pid as PID 1 sees it, and how it ended.
    '-p', `ExecStartPost=+/bin/sh -c "echo $MAINPID >${stateDirectory}/main-pid"`,
    '-p', `ExecStopPost=+/bin/sh -c "echo $EXIT_CODE $EXIT_STATUS >${stateDirectory}/exit"`,
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

/** The exec of the command by systemd's child, in the run's window: its record names the run's session. */
function isSessionMarker(denial: Denial, systemdExe: string | null, since: number): boolean {
  if (denial.syscall !== SESSION_MARKER_CALL || denial.action !== 'log' || (systemdExe !== null && denial.exe !== systemdExe)) return false;
  // The kernel stamps records with the clock Date.now() reads; a stamp to the second is taken from that second.
  const start = denial.timePrecise ? since : Math.floor(since / 1000) * 1000;
  return denial.time === null || denial.time >= start;
}

/** How many sessions that began in the run's time are followed: more means many runs at once, told apart by the main pid. */
const FOLLOWED_SESSIONS = 64;

/**
 * The records of the sessions that began in the run's time, each session's kept apart as they
 * are read, so memory is bounded by the distinct calls, not the records: a session's marker
 * (the exec, logged first) comes before its other records.
 */
class SessionRecords {
  readonly markers: { ses: number | null; pid: number | null }[] = [];
  readonly bySession = new Map<number, { aggregator: DenialAggregator; verifications: Map<string, Verification> }>();

  constructor(private readonly systemdExe: string | null, private readonly since: number) {}

  add(denial: Denial, verification: Verification): void {
    if (isSessionMarker(denial, this.systemdExe, this.since)) {
      if (this.markers.length < FOLLOWED_SESSIONS) this.markers.push({ ses: denial.ses, pid: denial.pid });
      if (denial.ses !== null && !this.bySession.has(denial.ses) && this.bySession.size < FOLLOWED_SESSIONS) {
        this.bySession.set(denial.ses, { aggregator: new DenialAggregator(), verifications: new Map() });
      }
    }
    const session = denial.ses === null ? undefined : this.bySession.get(denial.ses);
    if (!session) return;
    session.aggregator.add(denial);
    if (!session.verifications.has(callKey(denial))) session.verifications.set(callKey(denial), verification);
  }

  /** The run's audit session: the marker of its main process, or the only marker in the window. */
  session(mainPid: number | null): { session: number | null; loss: RecordLoss | null } {
    if (this.markers.length === 0) return { session: null, loss: { code: 'no-session-marker' } };
    const own = this.markers.find((marker) => mainPid !== null && marker.pid === mainPid);
    const sessions = [...new Set(this.markers.map((marker) => marker.ses))];
    const session = own ? own.ses : sessions.length === 1 ? sessions[0] ?? null : undefined;
    if (session === undefined) return { session: null, loss: { code: 'sessions-ambiguous', sessions: sessions.filter((ses): ses is number => ses !== null) } };
    if (session === null) return { session: null, loss: { code: 'no-audit-session' } };
    return { session, loss: null };
  }
}

/**
 * The run's records: read once the session marker has reached the journal (it is logged
 * first, so the wait is for journald to catch up), then once more.
 */
async function gatherRunRecords(since: number, decode: DecodeOptions, systemdExe: string | null, tell: (message: string) => void): Promise<SessionRecords> {
  const deadline = Date.now() + RECORD_WAIT_MS;
  for (;;) {
    const records = new SessionRecords(systemdExe, since);
    await readTrustedRecordsSince(since, decode, tell, (denial, verification) => records.add(denial, verification));
    if (Date.now() >= deadline) return records;
    if (records.markers.length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const again = new SessionRecords(systemdExe, since);
      await readTrustedRecordsSince(since, decode, tell, (denial, verification) => again.add(denial, verification));
      return again;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** A run's distinct call, whatever the filter would have done to it. */
function callKey(call: { abi: string | null; nr: number | null; exe: string | null }): string {
  return `${call.abi ?? ''} ${call.nr ?? ''} ${call.exe ?? ''}`;
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
  const missingBefore = missingActions(mode, actionsLogged());
  if (missingBefore.length > 0) losses.push({ code: 'actions-logged', missing: missingBefore, when: 'before' });
  const rules = auditExcludeRules();
  if (rules.length > 0) losses.push({ code: 'audit-exclude-rules', rules });
  const errno = mode.code === 'enforce' ? (mode.errno ?? properties.filter((property) => property.key === 'SystemCallErrorNumber').at(-1)?.value ?? null) : null;
  if (errno !== null && errno !== '' && errno !== 'kill' && !systemdLogsErrnoDenials()) losses.push({ code: 'errno-unlogged', errno });

  const unit = `seccomp-explain-run-${randomBytes(6).toString('hex')}.service`;
  const stateDirectory = posix.join(STATE_DIRECTORY, unit);
  mkdirSync(stateDirectory, { recursive: true, mode: 0o700 });
  let systemdExe: string | null = null;
  try {
    systemdExe = readlinkSync('/proc/1/exe');
  } catch {
    // The marker is then told by its call and session alone.
  }
  const since = Date.now();
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
  const records = await gatherRunRecords(since, decode, systemdExe, tell);
  const missingAfter = missingActions(mode, actionsLogged()).filter((action) => !missingBefore.includes(action));
  if (missingAfter.length > 0) losses.push({ code: 'actions-logged', missing: missingAfter, when: 'after' });
  for (const line of kernelDropLines(since).slice(0, 5)) losses.push({ code: 'kernel-dropped', line });
  const { session, loss } = records.session(mainPid);
  // Without `log` in actions_logged the marker is never logged: that loss is already said.
  if (loss !== null && exit.code !== 'not-started' && !(loss.code === 'no-session-marker' && missingBefore.includes('log'))) losses.push(loss);

  const own = session === null ? undefined : records.bySession.get(session);
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
      findings: findings.map((finding) => ({ finding, broader: broadAlternative(finding, configuration, groups, tables), verification: verifications.get(callKey(finding.summary)) ?? { code: 'journal-transport', transport: 'audit' }, withheld: null })),
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
