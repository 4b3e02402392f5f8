import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, unlinkSync } from 'node:fs';
import { posix } from 'node:path';
import { callKey, DenialAggregator, type DenialSummary, type Verification } from '../analysis/index.js';
import type { AbiRegistry, DecodeOptions } from '../decode/index.js';
import { packageVersion } from '../package-root.js';
import { dropInHeader, type LearnLoss, type LearnReport, type LearnStartReport, type RestartQuestion } from '../render/index.js';
import {
  attributeDenial, broadAlternative, execStartPrograms, isLearnDropInName, isValidUnitName, learnDropIn, learnDropInOf, learnHeader, learningSince,
  suggestDropIn, uidCanBeUnits, unitUser, unitWarnings, withoutLearnDropIn, wouldBeDenials, WRITTEN_BY, type SystemdGroups, type UnitConfiguration,
} from '../systemd/index.js';
import { DropInNotWritten, SYSTEM_UNIT_DIRECTORY, writeDropIn } from './drop-in-writer.js';
import {
  actionsLogged, kernelLogLossSince, readTrustedRecordsSince, recordsAreComplete, requireSystemdWithSystemCallLog, runCommand,
} from './kernel-records.js';
import { FileNotRead, readRegularFile } from './regular-file.js';
import { loadUnit } from './unit-loading.js';
import { tellSkippedFiles } from './unit-tree.js';
import { lookUpUnitUserId } from './unit-user-id.js';
import { UsageError } from './usage-error.js';

/** How long a restart may take: a oneshot unit's restart waits for it to finish. */
const RESTART_TIMEOUT_MS = 300_000;
/** Other programs named when their records are left out. */
const NAMED_OTHERS = 5;

/** Whether to restart the unit: yes (`--yes`), ask on a terminal, or no. */
export type RestartChoice = 'yes' | 'ask' | 'no';

export interface LearnContext {
  tables: AbiRegistry;
  groups: SystemdGroups;
  nativeAbi: string;
  /** Asks the user a yes/no question (on a terminal). */
  confirm: (question: RestartQuestion) => Promise<boolean>;
  tell: (message: string) => void;
}

function requireHost(): void {
  requireSystemdWithSystemCallLog('learn', 'writes a drop-in and restarts the unit');
}

function systemctl(args: string[], timeout = 30_000): void {
  const result = spawnSync('systemctl', args, { encoding: 'utf8', timeout, stdio: ['ignore', 'ignore', 'pipe'] });
  if (result.status !== 0) throw new UsageError(`systemctl ${args.join(' ')} failed: ${(result.stderr ?? result.error?.message ?? '').trim()}`);
}

async function maybeRestart(question: RestartQuestion, choice: RestartChoice, context: LearnContext): Promise<boolean> {
  if (choice === 'no') return false;
  if (choice === 'ask' && !(await context.confirm(question))) return false;
  const unit = question.unit;
  systemctl(['restart', '--', unit], RESTART_TIMEOUT_MS);
  return true;
}

/** The unit as this host's systemd has it, with where its learn drop-in lives. */
function liveUnit(unit: string, context: LearnContext): UnitConfiguration {
  return loadUnit(unit, [], null, tellSkippedFiles(context.tell)).configuration;
}

/** A file of seccomp-explain's, read as a usage error when it cannot be: a link, a directory, too large. */
function readOwnFile(path: string): string {
  try {
    return readRegularFile(path, { followLinks: false });
  } catch (error) {
    if (error instanceof FileNotRead) throw new UsageError(error.message);
    throw error;
  }
}

/** When the unit started learning: its learn drop-in's header, read from disk. */
function learningStartOf(configuration: UnitConfiguration): { path: string; since: number } {
  const file = learnDropInOf(configuration);
  if (file === null) throw new UsageError(`${configuration.unit} is not learning: seccomp-explain learn start ${configuration.unit}`);
  const since = learningSince(readOwnFile(file.path));
  if (since === null) throw new UsageError(`${file.path} does not say when learning started: remove it, and learn start again`);
  return { path: file.path, since };
}

/** `learn start`: the unit's filter logs instead of denying, from its next start (docs/learn.md). */
export async function startLearning(unit: string, options: { keepDeny: boolean; restart: RestartChoice }, context: LearnContext): Promise<LearnStartReport> {
  requireHost();
  const configuration = liveUnit(unit, context);
  const learning = learnDropInOf(configuration);
  if (learning !== null) throw new UsageError(`${unit} is already learning (${learning.path}): seccomp-explain learn status ${unit}, or learn stop ${unit}`);
  const since = Date.now();
  const drop = learnDropIn(configuration, context.groups, { keepDeny: options.keepDeny, since, header: learnHeader(packageVersion(), unit) });
  if (drop.unenforced.mode === 'unset') throw new UsageError(`${unit} has no SystemCallFilter=: there is nothing to learn`);
  const written = writeDropIn('/', unit, drop.name, drop.text);
  systemctl(['daemon-reload']);
  const restarted = await maybeRestart({ code: 'start-learning', unit }, options.restart, context);
  const losses: LearnLoss[] = [];
  if (!actionsLogged().has('log')) losses.push({ code: 'actions-logged', missing: ['log'], when: 'before' });
  if (!recordsAreComplete()) losses.push({ code: 'ring-buffer-only' });
  return { unit, path: written.path, since, unenforced: drop.unenforced, restarted, losses, warnings: unitWarnings(configuration, context.groups, [], null) };
}

/** The units learning on this host: those with a learn drop-in under /etc/systemd/system. */
function learningUnits(): string[] {
  const directory = SYSTEM_UNIT_DIRECTORY;
  if (!existsSync(directory)) return [];
  const holdsLearnDropIn = (name: string): boolean => {
    try {
      return readdirSync(posix.join(directory, name)).some(isLearnDropInName);
    } catch {
      return false; // Not a directory, or not readable: no learn drop-in of ours.
    }
  };
  return readdirSync(directory).filter((name) => name.endsWith('.d') && isValidUnitName(name.slice(0, -2)) && holdsLearnDropIn(name))
    .map((name) => name.slice(0, -2)).sort();
}

/** The pids in the unit's cgroup now, to tie records of programs other than its ExecStart= ones. */
function unitPids(unit: string): Set<number> {
  const group = runCommand('systemctl', ['show', '-P', 'ControlGroup', '--', unit]).stdout.trim();
  if (!group.startsWith('/')) return new Set();
  try {
    return new Set(readFileSync(posix.join('/sys/fs/cgroup', group, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number));
  } catch {
    return new Set();
  }
}

/**
 * What the unit logged since it started learning: the calls its filter would deny, attributed
 * as suggest does, from records the trust model accepts, of the unit's user and its programs.
 */
async function learned(configuration: UnitConfiguration, since: number, path: string, context: LearnContext): Promise<LearnReport> {
  const unit = configuration.unit;
  const original = withoutLearnDropIn(configuration);
  const user = unitUser(original);
  const userId = lookUpUnitUserId(user, null);
  const programs = new Set(execStartPrograms(original).map(({ program }) => program));
  const pids = unitPids(unit);
  const aggregator = new DenialAggregator();
  const others = new Map<string | null, number>();
  const decode: DecodeOptions = { tables: context.tables, assumedAbi: context.nativeAbi };
  const verifications = new Map<string, Verification>();
  await readTrustedRecordsSince(since, decode, context.tell, (denial, verification) => {
    if (denial.action !== 'log') return;
    const ours = uidCanBeUnits(denial.uid, user, userId) && ((denial.exe !== null && programs.has(denial.exe)) || (denial.pid !== null && pids.has(denial.pid)));
    if (!ours) {
      const name = denial.exe ?? denial.comm;
      if (others.has(name) || others.size < NAMED_OTHERS) others.set(name, (others.get(name) ?? 0) + 1);
      return;
    }
    aggregator.add(denial);
    if (!verifications.has(callKey(denial))) verifications.set(callKey(denial), verification);
  });
  const outside: DenialSummary[] = wouldBeDenials(aggregator.summaries(), original, context.groups);
  const attribution = { configuration: original, groups: context.groups, tables: context.tables, nativeAbi: context.nativeAbi };
  const findings = outside.map((summary) => attributeDenial(summary, attribution));
  const dropIn = findings.length === 0 ? null : suggestDropIn(findings, {
    ...attribution,
    dropInDirectory: SYSTEM_UNIT_DIRECTORY,
    header: dropInHeader(packageVersion(), findings.filter((finding) => finding.allow !== null).map((finding) => finding.summary)),
  });
  const losses: LearnLoss[] = [];
  if (!actionsLogged().has('log')) losses.push({ code: 'actions-logged', missing: ['log'], when: 'after' });
  if (!recordsAreComplete()) losses.push({ code: 'ring-buffer-only' });
  const kernelLog = await kernelLogLossSince(since);
  for (const line of kernelLog?.lostLines ?? []) losses.push({ code: 'kernel-dropped', line });
  return {
    unit,
    path,
    since,
    suggestion: {
      unit,
      howFound: 'named on the command line',
      filesFrom: `systemctl cat ${unit} on this host, without ${path}`,
      groupsSource: context.groups.source,
      findings: findings.map((finding) => ({
        finding, broader: broadAlternative(finding, original, context.groups, context.tables),
        verification: verifications.get(callKey(finding.summary)) ?? { code: 'unverified', reason: 'text' },
        withheld: null,
      })),
      dropIn,
      written: null,
      root: null,
      warnings: unitWarnings(original, context.groups, findings, null),
    },
    otherPrograms: [...others].map(([program, count]) => ({ program, count })),
    losses,
    removed: false,
    restarted: false,
  };
}

/** `learn status [UNIT]`: what each learning unit logged since it started. */
export async function learningStatus(unit: string | undefined, context: LearnContext): Promise<LearnReport[]> {
  const units = unit !== undefined ? [unit] : learningUnits();
  if (units.length === 0) throw new UsageError('no unit is learning (seccomp-explain learn start UNIT)');
  const reports: LearnReport[] = [];
  for (const name of units) {
    const configuration = liveUnit(name, context);
    const { path, since } = learningStartOf(configuration);
    reports.push(await learned(configuration, since, path, context));
  }
  return reports;
}

/** Removes the learn drop-in, only if seccomp-explain wrote it. */
function removeLearnDropIn(path: string): void {
  if (!isLearnDropInName(posix.basename(path)) || !readOwnFile(path).startsWith(WRITTEN_BY)) {
    throw new UsageError(`${path} was not written by seccomp-explain: not removing it`);
  }
  try {
    unlinkSync(path);
  } catch (error) {
    throw new UsageError(`cannot remove ${path}: ${(error as Error).message}`);
  }
}

/**
 * `learn stop UNIT`: the unit enforces its filter again; with `write`, plus the drop-in that
 * allows exactly the calls it logged while learning, proven by replay.
 */
export async function stopLearning(unit: string, options: { write: boolean; restart: RestartChoice }, context: LearnContext): Promise<LearnReport> {
  requireHost();
  const configuration = liveUnit(unit, context);
  const { path, since } = learningStartOf(configuration);
  const report = await learned(configuration, since, path, context);
  removeLearnDropIn(path);
  report.removed = true;
  const dropIn = report.suggestion.dropIn;
  if (options.write && dropIn !== null && report.losses.length === 0) {
    try {
      const written = writeDropIn('/', unit, posix.basename(dropIn.path), dropIn.text);
      report.suggestion.written = { path: written.path, replaced: written.replaced };
    } catch (error) {
      if (!(error instanceof DropInNotWritten)) throw error;
      context.tell(error.message);
    }
  }
  systemctl(['daemon-reload']);
  report.restarted = await maybeRestart({ code: 'enforce-again', unit }, options.restart, context);
  return report;
}
