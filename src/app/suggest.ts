import { posix } from 'node:path';
import {
  DenialAggregator, LISTED_DENIALS, canBeVouchedFor, denialGroupKey, emptyStats, isTrusted, sightingOf, verifyDenial, verifyUnitExit,
  type DenialSummary, type EventSighting, type InputProvenance, type Verification,
} from '../analysis/index.js';
import type { AbiRegistry, DecodeOptions, Denial } from '../decode/index.js';
import { commandSource, fileSource, stdinSource, type InputSource } from '../input/index.js';
import { packageVersion } from '../package-root.js';
import type { UnitExitRecord } from '../records/index.js';
import { describeSuggestWarning, dropInHeader, type SuggestWarning, type SuggestionReport, type WithheldReason } from '../render/index.js';
import {
  attributeDenial, broadAlternative, execStartPrograms, identifyUnit, programCandidates, programsOfUnit, suggestDropIn, uidCanBeUnits, unitUser, unitWarnings,
  type DeniedProcess, type ExecStartEntry, type Finding, type SkippedFileReporter, type SystemdGroups, type UnitConfiguration,
} from '../systemd/index.js';
import { DropInNotWritten, SYSTEM_UNIT_DIRECTORY, writeDropIn } from './drop-in-writer.js';
import { DEFAULT_AUDIT_LOG } from './host-logs.js';
import { openStore } from './open-store.js';
import { readDenials } from './read-denials.js';
import { fileProvenance, gatherTrustedEvidence, TRUSTED_JOURNAL_MATCHES } from './trusted-sources.js';
import { hostRunsSystemd, loadUnit } from './unit-loading.js';
import { listExecStarts, resolveInRoot, tellSkippedFiles } from './unit-tree.js';
import { lookUpUnitUserId } from './unit-user-id.js';
import { UsageError } from './usage-error.js';

/** What `suggest` is asked, checked by the caller: options as given, the choices already made. */
export interface SuggestOptions {
  unit?: string;
  unitFile: string[];
  write?: boolean;
  trustInput?: boolean;
  exe?: string;
  /** Only denials of this command name (`--comm`). */
  comm?: string;
  /** Only events at or after / at or before these times (ms since the epoch), checked by the caller. */
  since?: number;
  until?: number;
  /** Take the denials of every program, also those nothing ties to the unit (`--all-programs`). */
  allPrograms?: boolean;
  /** The ABI of records without `arch=`. */
  abi: string;
  /** What `SystemCallArchitectures=native` admits. */
  nativeAbi: string;
  fromDb?: boolean;
  db?: string;
  /** No informational lines (which log was read). */
  quiet?: boolean;
}

export interface SuggestRequest {
  files: string[];
  options: SuggestOptions;
  tables: AbiRegistry;
  /** `--root`, checked, or null for this host. */
  root: string | null;
  groups: SystemdGroups;
}

export interface SuggestOutcome {
  /** Null when the input held no denial. */
  report: SuggestionReport | null;
  /** An input could not be read (said through `tell`). */
  inputFailed: boolean;
  /** `write` left something undone: a call left out, a write refused or failed, denials past the cap. */
  needsAction: boolean;
}

/** How many denied processes and exit entries are kept for finding the unit: a log of a million kills needs no more. */
const IDENTIFICATION_SAMPLE = 10_000;
/** Unverified sightings of one distinct denial kept for confirming it against the journal. */
const CONFIRMATION_SAMPLE = 8;
/** Unverified sightings kept in all: a log of a million forged lines costs no more. */
const CONFIRMATION_SAMPLES = 10_000;
const TRUSTED_INPUT: Verification = Object.freeze({ code: 'trusted-input' });
/** How far around the lines to confirm the journal is read. */
const EVIDENCE_MARGIN_MS = 60_000;

function deniedProcess(denial: Denial): DeniedProcess {
  return {
    time: denial.time, host: denial.host, pid: denial.pid, exe: denial.exe, syscall: denial.syscall,
    killed: denial.action === 'kill_process' || denial.action === 'kill_thread',
  };
}

/** The unit the denials came from, when --unit was not given: found in the log, or in the units' ExecStart=. */
function findUnit(
  processes: DeniedProcess[], exits: UnitExitRecord[], root: string | null, unverified: number, onSkipped: SkippedFileReporter,
): { unit: string; howFound: string; exes: string[] } {
  const execStarts = root !== null ? listExecStarts(root, onSkipped) : hostRunsSystemd() ? listExecStarts('/', onSkipped) : [];
  const identification = identifyUnit(processes, exits, execStarts);
  if (identification.kind === 'found') return identification;
  if (identification.kind === 'ambiguous') {
    const listed = identification.candidates.map((candidate) => `  ${candidate.unit}: ${candidate.howFound}`).join('\n');
    throw new UsageError(`the denials belong to more than one unit; give --unit NAME (and --exe PROGRAM):\n${listed}`);
  }
  const looked = root !== null ? `no unit under ${root} runs one of their programs` : hostRunsSystemd() ? 'no unit of this host runs one of their programs' : 'this host does not run systemd, so no unit\'s ExecStart= could be searched (--root DIR would)';
  const skipped = unverified > 0 ? `; ${unverified} unverified ${unverified === 1 ? 'line was' : 'lines were'} not used to find it (docs/security.md)` : '';
  throw new UsageError(`cannot tell which unit the denials came from: the input has no systemd "status=31/SYS" exit or coredump entry for them, and ${looked}${skipped}; give --unit NAME`);
}

/**
 * The named unit's own `ExecStart=` programs: as written (a bare name in each directory systemd
 * searches) and, where the unit's tree is at hand (`--root`, or this host), with links resolved.
 */
function unitExecStarts(configuration: UnitConfiguration, tree: string | null): ExecStartEntry[] {
  return execStartPrograms(configuration).flatMap(({ program, assignment }) => {
    const candidates = programCandidates(program);
    const paths = new Set(candidates);
    for (const candidate of tree === null ? [] : candidates) {
      try {
        const resolved = resolveInRoot(tree as string, candidate);
        if (resolved !== null) paths.add(resolved);
      } catch {
        // A link that cannot be read: the path as written still counts.
      }
    }
    return [...paths].map((path) => ({ unit: configuration.unit, path, source: `${assignment.path}:${assignment.line}` }));
  });
}

/**
 * The denials of the unit's programs (`tied`); the rest are left out with a warning, or taken
 * with one when `taking` names the option that asks for them.
 */
function narrowToUnit(
  summaries: DenialSummary[], tied: Set<string>, unit: string, taking: 'exe' | 'all-programs' | null, warnings: SuggestWarning[],
): DenialSummary[] {
  const isUnits = (summary: DenialSummary): boolean => summary.exe !== null && tied.has(summary.exe);
  const units = summaries.filter(isUnits);
  const others = summaries.filter((summary) => !isUnits(summary));
  if (others.length === 0) return summaries;
  const programs = [...new Set(others.map((summary) => summary.exe ?? summary.comm))].slice(0, 5);
  if (taking !== null) {
    warnings.push({ code: 'untied-denials', unit, denials: others.length, programs, taken: taking });
    return summaries;
  }
  if (units.length === 0) warnings.push({ code: 'untied-denials', unit, denials: others.length, programs, taken: null });
  else warnings.push({ code: 'other-programs-left-out', denials: others.length, programs });
  return units;
}

/** Standard input; with none piped, this host's journal (trusted entries only) or auditd's log. */
function suggestSources(files: string[], tell: (message: string) => void): { source: InputSource; provenance: InputProvenance }[] {
  if (files.length > 0) {
    return files.map((file) => {
      const provenance = file === '-' ? { code: 'anyone' } as const : fileProvenance(file);
      // A file only root can write is read where it was checked, not through a link that could change.
      return { source: fileSource(provenance.code === 'root-only-file' ? provenance.path : file), provenance };
    });
  }
  if (!process.stdin.isTTY) return [{ source: stdinSource(), provenance: { code: 'anyone' } }];
  if (hostRunsSystemd()) {
    const journal = commandSource('journalctl', ['-b', '-o', 'json', '--no-pager', '-q', ...TRUSTED_JOURNAL_MATCHES]);
    tell(`reading ${journal.label} (no file given)`);
    return [{ source: journal, provenance: { code: 'own-journal' } }];
  }
  tell(`reading ${DEFAULT_AUDIT_LOG} (no file given, and this host's PID 1 is not systemd)`);
  return [{ source: fileSource(DEFAULT_AUDIT_LOG), provenance: fileProvenance(DEFAULT_AUDIT_LOG) }];
}

/** A distinct denial's best verification so far, and unverified sightings to confirm it with. */
interface GroupTrust {
  verification: Verification;
  samples: EventSighting[];
  /** The uids of its trusted and confirmed records: only the unit's own user can loosen the unit. */
  trustedUids: Set<number | null>;
}

/** Distinct uids kept per distinct denial. */
const TRUSTED_UIDS = 16;

function addUid(group: GroupTrust, uid: number | null): void {
  if (group.trustedUids.size < TRUSTED_UIDS) group.trustedUids.add(uid);
}

function better(current: Verification, candidate: Verification): Verification {
  return !isTrusted(current) && isTrusted(candidate) ? candidate : current;
}

/**
 * Everything `suggest` read, with what vouches for each piece (docs/security.md): the denials
 * by distinct denial, the denied processes and exit entries that may name the unit.
 */
class SuggestInput {
  readonly aggregator = new DenialAggregator();
  readonly groups = new Map<string, GroupTrust>();
  readonly processes: { process: DeniedProcess; sighting: EventSighting; verification: Verification }[] = [];
  readonly exits: { exit: UnitExitRecord; verification: Verification }[] = [];
  readonly impossibleSenders = new Map<string, number>();
  readonly storedUnits = new Set<string | null>();
  /** The programs of the stored denials ingested with each `--unit`. */
  readonly storedUnitPrograms = new Map<string, Set<string>>();

  private samples = 0;

  /** `confirming`: unverified sightings are kept for confirming them (--write). */
  constructor(private readonly trustInput: boolean, private readonly confirming: boolean) {}

  private vouch(verification: Verification): Verification {
    return this.trustInput && canBeVouchedFor(verification) ? TRUSTED_INPUT : verification;
  }

  private keepSample(samples: EventSighting[], denial: Denial): void {
    if (!this.confirming || samples.length >= CONFIRMATION_SAMPLE || this.samples >= CONFIRMATION_SAMPLES) return;
    samples.push(sightingOf(denial));
    this.samples++;
  }

  private noteImpossible(verification: Verification): boolean {
    if (verification.code !== 'impossible-sender') return false;
    this.impossibleSenders.set(verification.sender, (this.impossibleSenders.get(verification.sender) ?? 0) + 1);
    return true;
  }

  addDenial(denial: Denial, provenance: InputProvenance): void {
    const verification = this.vouch(verifyDenial(denial, provenance));
    if (this.noteImpossible(verification)) return;
    this.aggregator.add(denial);
    const key = denialGroupKey(denial);
    // The aggregator lists the first LISTED_DENIALS distinct denials met; so does this.
    if (!this.groups.has(key) && this.groups.size >= LISTED_DENIALS) return;
    const group = this.groups.get(key) ?? { verification, samples: [], trustedUids: new Set() };
    group.verification = better(group.verification, verification);
    if (isTrusted(verification)) addUid(group, denial.uid);
    else this.keepSample(group.samples, denial);
    this.groups.set(key, group);
    if (this.processes.length < IDENTIFICATION_SAMPLE) this.processes.push({ process: deniedProcess(denial), sighting: sightingOf(denial), verification });
  }

  addExit(exit: UnitExitRecord, provenance: InputProvenance): void {
    const verification = this.vouch(verifyUnitExit(exit, provenance));
    if (this.noteImpossible(verification)) return;
    if (this.exits.length < IDENTIFICATION_SAMPLE) this.exits.push({ exit, verification });
  }

  /** The times of everything still unverified, for the journal window to read. */
  unverifiedTimes(): number[] {
    const times: number[] = [];
    for (const group of this.groups.values()) {
      if (!isTrusted(group.verification)) for (const denial of group.samples) if (denial.time !== null) times.push(denial.time);
    }
    for (const { sighting, verification } of this.processes) if (!isTrusted(verification) && sighting.time !== null) times.push(sighting.time);
    for (const { exit, verification } of this.exits) if (!isTrusted(verification) && exit.time !== null) times.push(exit.time);
    return times;
  }

  /** Confirms what trusted entries say too. */
  confirm(confirmsDenial: (sighting: EventSighting) => boolean, confirmsExit: (exit: UnitExitRecord) => boolean, by: string): void {
    const confirmed: Verification = { code: 'confirmed', by };
    for (const group of this.groups.values()) {
      for (const sample of group.samples) {
        if (!confirmsDenial(sample)) continue;
        group.verification = better(group.verification, confirmed);
        addUid(group, sample.uid);
      }
    }
    for (const entry of this.processes) if (!isTrusted(entry.verification) && confirmsDenial(entry.sighting)) entry.verification = confirmed;
    for (const entry of this.exits) if (!isTrusted(entry.verification) && confirmsExit(entry.exit)) entry.verification = confirmed;
  }

  noteStoredUnit(unit: string | null, exe: string | null): void {
    this.storedUnits.add(unit);
    if (unit === null || exe === null) return;
    const programs = this.storedUnitPrograms.get(unit) ?? new Set<string>();
    if (programs.size < IDENTIFICATION_SAMPLE) programs.add(exe);
    this.storedUnitPrograms.set(unit, programs);
  }

  verificationOf(summary: DenialSummary): Verification {
    return this.groups.get(denialGroupKey(summary))?.verification ?? { code: 'unverified', reason: 'stored' };
  }

  trustedUidsOf(summary: DenialSummary): (number | null)[] {
    return [...(this.groups.get(denialGroupKey(summary))?.trustedUids ?? [])];
  }
}

async function readSuggestInput(files: string[], options: SuggestOptions, decode: DecodeOptions, tell: (message: string) => void): Promise<{ input: SuggestInput; inputFailed: boolean }> {
  const input = new SuggestInput(options.trustInput === true, options.write === true && options.trustInput !== true);
  const filter = { exe: options.exe, comm: options.comm, since: options.since, until: options.until };
  let inputFailed = false;
  if (options.fromDb) {
    if (files.length > 0) throw new UsageError('--from-db reads the store: give no log files with it');
    const store = await openStore(options.db, true);
    try {
      for (const denial of store.denials(filter)) {
        input.addDenial(denial, { code: 'anyone' });
        input.noteStoredUnit(denial.unit, denial.exe);
      }
    } finally {
      await store.close();
    }
    return { input, inputFailed };
  }
  if (options.db !== undefined) throw new UsageError('--db goes with --from-db');
  // --quiet: which log was read is information, not a warning.
  const sources = suggestSources(files, options.quiet ? () => undefined : tell);
  let provenance: InputProvenance = { code: 'anyone' };
  for await (const denial of readDenials(sources.map(({ source }) => source), {
    decode,
    filter,
    now: Date.now(),
    onSource: (source) => {
      provenance = sources.find((entry) => entry.source === source)?.provenance ?? { code: 'anyone' };
    },
    onInputError: (error) => {
      inputFailed = true;
      tell(error.message);
    },
    // Exit and coredump entries find the unit, or tie a named unit's denials to it.
    onUnitExit: (exit) => input.addExit(exit, provenance),
  }, emptyStats())) input.addDenial(denial, provenance);
  return { input, inputFailed };
}

/** With --write: confirms unverified lines against the journal and auditd's log of the host (or image) they came from. */
async function confirmInput(input: SuggestInput, root: string | null, decode: DecodeOptions, warnings: SuggestWarning[]): Promise<void> {
  const times = input.unverifiedTimes();
  if (times.length === 0) return;
  const from = times.reduce((a, b) => Math.min(a, b)) - EVIDENCE_MARGIN_MS;
  const to = times.reduce((a, b) => Math.max(a, b)) + EVIDENCE_MARGIN_MS;
  const gathered = await gatherTrustedEvidence(root, from, to, decode);
  for (const failure of gathered.failures) warnings.push({ code: 'confirmation-unreadable', failure });
  if (gathered.searched.length === 0) return;
  const evidence = gathered.evidence;
  input.confirm((sighting) => evidence.confirmsDenial(sighting), (exit) => evidence.confirmsExit(exit), gathered.searched.join(', '));
}

/**
 * `suggest`: reads the denials (a log, the store, or this host's journal), finds the unit, says
 * what blocked each call and the drop-in that allows exactly those calls, proven by replay; with
 * `write`, writes it from verified records only (docs/security.md). Messages for stderr go to
 * `tell` as they happen; the report is for the caller to render.
 */
export async function suggest(request: SuggestRequest, tell: (message: string) => void): Promise<SuggestOutcome> {
  const { tables, root, groups, options, files } = request;
  if (options.trustInput && !options.write) throw new UsageError('--trust-input goes with --write');
  const identifying = options.unit === undefined && options.unitFile.length === 0;
  const decode: DecodeOptions = { tables, assumedAbi: options.abi };
  const { input, inputFailed } = await readSuggestInput(files, options, decode, tell);
  const warnings: SuggestWarning[] = [];
  if (input.impossibleSenders.size > 0) {
    const lines = [...input.impossibleSenders.values()].reduce((a, b) => a + b, 0);
    warnings.push({ code: 'impossible-senders', lines, senders: [...input.impossibleSenders.keys()].slice(0, 5) });
  }
  const overflow = input.aggregator.overflow;
  if (overflow > 0) {
    warnings.push({ code: 'overflow', listed: LISTED_DENIALS, overflow, writing: options.write === true });
  }
  let summaries: DenialSummary[] = input.aggregator.summaries();
  if (summaries.length === 0) {
    tell('no seccomp denials in the input');
    for (const warning of warnings) tell(describeSuggestWarning(warning));
    return { report: null, inputFailed, needsAction: false };
  }
  // Only what provably came from the kernel, auditd or PID 1 may loosen a unit (docs/security.md).
  const verifying = options.write === true;
  if (verifying) await confirmInput(input, root, decode, warnings);

  const onSkipped = tellSkippedFiles(tell);
  // With --write, only what PID 1 or the kernel provably logged may tie a denial to a unit.
  const usable = <T extends { verification: Verification }>(entries: T[]): T[] => (verifying ? entries.filter((entry) => isTrusted(entry.verification)) : entries);
  const processes = usable(input.processes).map((entry) => entry.process);
  const exits = usable(input.exits).map((entry) => entry.exit);
  let unit = options.unit;
  let howFound = options.unit !== undefined ? 'named with --unit' : 'named by the --unit-file';
  const [onlyStoredUnit] = input.storedUnits;
  let leftOutEverything = false;
  if (identifying && input.storedUnits.size === 1 && typeof onlyStoredUnit === 'string') {
    unit = onlyStoredUnit;
    howFound = `from the store: every denial was ingested with --unit ${onlyStoredUnit}`;
  } else if (identifying) {
    const unverified = input.processes.length + input.exits.length - processes.length - exits.length;
    const found = findUnit(processes, exits, root, unverified, onSkipped);
    unit = found.unit;
    howFound = found.howFound;
    if (found.exes.length > 0) summaries = narrowToUnit(summaries, new Set(found.exes), found.unit, options.allPrograms ? 'all-programs' : null, warnings);
  }
  const loaded = loadUnit(unit, options.unitFile, root, onSkipped);
  const configuration = loaded.configuration;
  if (!identifying) {
    // A named unit takes only the denials the log or its own configuration ties to it.
    const tree = root ?? (options.unitFile.length === 0 && hostRunsSystemd() ? '/' : null);
    const tied = new Set(programsOfUnit(configuration.unit, processes, exits, unitExecStarts(configuration, tree)).keys());
    for (const program of input.storedUnitPrograms.get(configuration.unit) ?? []) tied.add(program);
    const taking = options.allPrograms ? 'all-programs' : options.exe !== undefined ? 'exe' : null;
    summaries = narrowToUnit(summaries, tied, configuration.unit, taking, warnings);
    leftOutEverything = summaries.length === 0;
  }
  const context = { configuration, groups, tables, nativeAbi: options.nativeAbi };
  const findings = summaries.map((summary) => attributeDenial(summary, context));
  warnings.push(...unitWarnings(configuration, groups, findings, loaded.loaded));
  const user = unitUser(configuration);
  const userId = verifying ? lookUpUnitUserId(user, root) : null;
  const withheldBecause = (finding: Finding, verification: Verification): WithheldReason | null => {
    if (!verifying || finding.allow === null) return null;
    if (!isTrusted(verification)) return { code: 'unverified' };
    const uids = input.trustedUidsOf(finding.summary);
    return uids.some((uid) => uidCanBeUnits(uid, user, userId)) ? null : { code: 'other-user', uids, user, userId };
  };
  const judged = findings.map((finding) => {
    const verification = input.verificationOf(finding.summary);
    return { finding, verification, withheld: withheldBecause(finding, verification) };
  });
  const usableFindings = judged
    .filter(({ verification, withheld }) => !verifying || (isTrusted(verification) && withheld === null))
    .map(({ finding }) => finding);
  const withheldCount = judged.filter(({ withheld }) => withheld !== null).length;
  const fixed = usableFindings.filter((finding) => finding.allow !== null);
  const dropIn = suggestDropIn(usableFindings, {
    ...context,
    dropInDirectory: posix.join(root ?? '/', SYSTEM_UNIT_DIRECTORY),
    header: dropInHeader(packageVersion(), fixed.map((finding) => finding.summary)),
  });
  let written: SuggestionReport['written'] = null;
  let writeFailed = false;
  if (options.write && dropIn) {
    try {
      const result = writeDropIn(root ?? '/', configuration.unit, posix.basename(dropIn.path), dropIn.text);
      written = { path: result.path, replaced: result.replaced };
    } catch (error) {
      // The drop-in is still printed below, for the user to put in place by hand.
      if (!(error instanceof DropInNotWritten)) throw error;
      tell(error.message);
      warnings.push({ code: 'not-written', path: error.path, failure: error.message });
      writeFailed = true;
    }
  }
  const report: SuggestionReport = {
    unit: configuration.unit,
    howFound,
    filesFrom: loaded.filesFrom,
    groupsSource: groups.source,
    findings: judged.map(({ finding, verification, withheld }) => ({
      finding, broader: broadAlternative(finding, configuration, groups, tables), verification, withheld,
    })),
    dropIn,
    written,
    root,
    warnings,
  };
  return { report, inputFailed, needsAction: leftOutEverything || writeFailed || withheldCount > 0 || (options.write === true && overflow > 0) };
}
