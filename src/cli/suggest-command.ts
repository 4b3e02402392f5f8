import { posix } from 'node:path';
import type { Command } from 'commander';
import { DenialAggregator, emptyStats, type DenialSummary } from '../analysis/index.js';
import { hostAbi, loadBundledSyscallTables, type Denial } from '../decode/index.js';
import { fileSource, stdinSource } from '../input/index.js';
import { packageVersion } from '../package-root.js';
import type { UnitExitRecord } from '../records/index.js';
import { COLOUR_PALETTE, PLAIN_PALETTE, dropInHeader, renderSuggestionJson, renderSuggestionText, type SuggestionReport } from '../render/index.js';
import {
  attributeDenial, broadAlternative, identifyUnit, isValidUnitName, suggestDropIn, unitWarnings, type DeniedProcess,
} from '../systemd/index.js';
import { SYSTEM_UNIT_DIRECTORY, writeDropIn } from './drop-in-writer.js';
import { colourWanted } from './colour-choice.js';
import { ExitCode, UsageError } from './exit-code.js';
import { readDenials } from './read-denials.js';
import { DB_OPTION_HELP, openStore } from './store-commands.js';
import { chooseGroups, hostRunsSystemd, loadUnit, rootOption } from './unit-loading.js';
import { listExecStarts } from './unit-tree.js';

interface SuggestOptions {
  unit?: string;
  unitFile: string[];
  root?: string;
  write?: boolean;
  systemdVersion?: string;
  systemdGroups?: string;
  exe?: string;
  abi: string;
  json?: boolean;
  color?: boolean;
  fromDb?: boolean;
  db?: string;
}

/** How many denied processes and exit entries are kept for finding the unit: a log of a million kills needs no more. */
const IDENTIFICATION_SAMPLE = 10_000;

export function registerSuggestCommand(program: Command): void {
  program
    .command('suggest')
    .description('say which unit setting blocked each denial, and the one drop-in that allows exactly those calls')
    .argument('[files...]', 'log files (plain or gzip); "-" or none for standard input')
    .option('--unit <name>', 'the unit (NAME.service); default: found from the log (systemd\'s SIGSYS exit message, systemd-coredump, ExecStart=)')
    .option('--unit-file <file>', 'the unit file, a drop-in, or a saved `systemctl cat`; repeat for several', (value: string, previous: string[]) => [...previous, value], [] as string[])
    .option('--root <dir>', 'read units from this offline image\'s unit directories, and write under it')
    .option('--write', 'write the drop-in (atomically, 0644; only ever replacing our own)')
    .option('--systemd-version <version>', 'evaluate with the bundled group table nearest at or below this systemd version')
    .option('--systemd-groups <file>', 'evaluate with saved `systemd-analyze syscall-filter` output from the unit\'s host')
    .option('--exe <pattern>', 'only denials of this executable')
    .option('--abi <abi>', 'the host\'s native ABI (what SystemCallArchitectures=native admits)', hostAbi(process.arch))
    .option('--json', 'one JSON document')
    .option('--from-db', 'use every denial in the history store (see ingest) instead of log input')
    .option('--db <path>', `with --from-db: ${DB_OPTION_HELP}`)
    .option('--no-color', 'no colour, even on a terminal')
    .action(async (files: string[], options: SuggestOptions) => {
      process.exitCode = await runSuggest(files, options);
    });
}

function deniedProcess(denial: Denial): DeniedProcess {
  return {
    time: denial.time, host: denial.host, pid: denial.pid, exe: denial.exe, syscall: denial.syscall,
    killed: denial.action === 'kill_process' || denial.action === 'kill_thread',
  };
}

/** The unit the denials came from, when --unit was not given: found in the log, or in the units' ExecStart=. */
function findUnit(processes: DeniedProcess[], exits: UnitExitRecord[], root: string | null): { unit: string; howFound: string; exes: string[] } {
  const execStarts = root !== null ? listExecStarts(root) : hostRunsSystemd() ? listExecStarts('/') : [];
  const identification = identifyUnit(processes, exits, execStarts);
  if (identification.kind === 'found') return identification;
  if (identification.kind === 'ambiguous') {
    const listed = identification.candidates.map((candidate) => `  ${candidate.unit}: ${candidate.howFound}`).join('\n');
    throw new UsageError(`the denials belong to more than one unit; give --unit NAME (and --exe PROGRAM):\n${listed}`);
  }
  const looked = root !== null ? `ExecStart= of the units under ${root}` : hostRunsSystemd() ? 'ExecStart= of this host\'s units' : 'nothing else (this host does not run systemd; --root DIR would let ExecStart= be searched)';
  throw new UsageError(`cannot tell which unit the denials came from: the input has no systemd "status=31/SYS" exit or coredump entry for them, and ${looked} names none of their programs; give --unit NAME`);
}

async function runSuggest(files: string[], options: SuggestOptions): Promise<number> {
  const tables = loadBundledSyscallTables();
  if (!tables.forAbi(options.abi)) throw new UsageError(`--abi ${options.abi}: no such ABI`);
  if (options.unit !== undefined && !isValidUnitName(options.unit)) throw new UsageError(`--unit ${options.unit}: not a unit name (NAME.service, NAME.socket, …)`);
  const root = rootOption(options.root);
  const groups = chooseGroups(options.systemdGroups, options.systemdVersion);
  const identifying = options.unit === undefined && options.unitFile.length === 0;
  const stats = emptyStats();
  const aggregator = new DenialAggregator();
  const exits: UnitExitRecord[] = [];
  const processes: DeniedProcess[] = [];
  let inputFailed = false;
  const storedUnits = new Set<string | null>();
  const add = (denial: Denial): void => {
    aggregator.add(denial);
    if (identifying && processes.length < IDENTIFICATION_SAMPLE) processes.push(deniedProcess(denial));
  };
  if (options.fromDb) {
    if (files.length > 0) throw new UsageError('--from-db reads the store: give no log files with it');
    const store = await openStore(options.db, true);
    try {
      for (const denial of store.denials({ exe: options.exe })) {
        add(denial);
        storedUnits.add(denial.unit);
      }
    } finally {
      store.close();
    }
  } else {
    if (options.db !== undefined) throw new UsageError('--db goes with --from-db');
    const sources = files.length > 0 ? files.map(fileSource) : [stdinSource()];
    for await (const denial of readDenials(sources, {
      decode: { tables, assumedAbi: options.abi },
      filter: { exe: options.exe },
      now: Date.now(),
      onInputError: (error) => {
        inputFailed = true;
        process.stderr.write(`seccomp-explain: ${error.message}\n`);
      },
      onUnitExit: identifying ? (exit) => { if (exits.length < IDENTIFICATION_SAMPLE) exits.push(exit); } : undefined,
    }, stats)) add(denial);
  }
  let summaries: DenialSummary[] = aggregator.summaries();
  if (summaries.length === 0) {
    process.stderr.write('seccomp-explain: no seccomp denials in the input\n');
    return inputFailed ? ExitCode.InputError : ExitCode.NothingFound;
  }

  const warnings: string[] = [];
  let unit = options.unit;
  let howFound = options.unit !== undefined ? 'named with --unit' : 'named by the --unit-file';
  const [onlyStoredUnit] = storedUnits;
  if (identifying && storedUnits.size === 1 && typeof onlyStoredUnit === 'string') {
    unit = onlyStoredUnit;
    howFound = `from the store: every denial was ingested with --unit ${onlyStoredUnit}`;
  } else if (identifying) {
    const found = findUnit(processes, exits, root);
    unit = found.unit;
    howFound = found.howFound;
    if (found.exes.length > 0) {
      const others = summaries.filter((summary) => summary.exe === null || !found.exes.includes(summary.exe));
      summaries = summaries.filter((summary) => summary.exe !== null && found.exes.includes(summary.exe));
      const otherPrograms = [...new Set(others.map((summary) => summary.exe ?? summary.comm ?? 'unknown program'))];
      if (others.length > 0) warnings.push(`left out ${others.length} ${others.length === 1 ? 'denial' : 'denials'} of other programs (${otherPrograms.slice(0, 5).join(', ')}): give --unit and --exe for those`);
    }
  }
  const loaded = loadUnit(unit, options.unitFile, root);
  const configuration = loaded.configuration;
  const context = { configuration, groups, tables, nativeAbi: options.abi };
  const findings = summaries.map((summary) => attributeDenial(summary, context));
  warnings.push(...unitWarnings(configuration, groups, findings, loaded.loaded));
  const fixed = findings.filter((finding) => finding.allow !== null);
  const dropIn = suggestDropIn(findings, {
    ...context,
    dropInDirectory: posix.join(root ?? '/', SYSTEM_UNIT_DIRECTORY),
    header: dropInHeader(packageVersion(), fixed.map((finding) => finding.summary)),
  });
  let written: SuggestionReport['written'] = null;
  if (options.write && dropIn) {
    const result = writeDropIn(root ?? '/', configuration.unit, posix.basename(dropIn.path), dropIn.text);
    written = { path: result.path, replaced: result.replaced };
  }
  const report: SuggestionReport = {
    unit: configuration.unit,
    howFound,
    filesFrom: loaded.filesFrom,
    groupsSource: groups.source,
    findings: findings.map((finding) => ({ finding, broader: broadAlternative(finding, configuration, groups, tables) })),
    dropIn,
    written,
    root,
    warnings,
  };
  if (options.json) process.stdout.write(renderSuggestionJson(report));
  else {
    process.stdout.write(renderSuggestionText(report, colourWanted(options.color) ? COLOUR_PALETTE : PLAIN_PALETTE));
  }
  return inputFailed ? ExitCode.InputError : ExitCode.Found;
}
