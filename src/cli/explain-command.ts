import { accessSync, closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import type { Command } from 'commander';
import { DenialAggregator, emptyStats, type DenialFilter, type DenialSummary, type ExplainStats } from '../analysis/index.js';
import { loadBundledSyscallTables, type AbiRegistry } from '../decode/index.js';
import { commandSource, fileSource, isGzip, stdinSource, type InputError, type InputSource } from '../input/index.js';
import {
  COLOUR_PALETTE, PLAIN_PALETTE, describeOverflow, formatCount, explanationJsonChunks, explanationTextChunks, renderDenialNdjson, type UnitAttribution,
} from '../render/index.js';
import { attributeDenial, type SystemdGroups } from '../systemd/index.js';
import { writeChunks } from './chunked-output.js';
import { colourWanted } from './colour-choice.js';
import { ExitCode } from './exit-code.js';
import { UsageError } from '../app/usage-error.js';
import { ProgressLine } from './progress-line.js';
import { readDenials } from '../app/read-denials.js';
import { printMessage } from './stderr-message.js';
import {
  DB_OPTION_HELP, abiOption, checkedAbi, checkedDenialFilter, checkedUnit, dbOption, nativeAbiOption, noColourOption, rootDirectoryOption, sinceOption,
  systemdGroupsOption, systemdVersionOption, unitFileOption, untilOption,
} from './options.js';
import { openStore } from '../app/open-store.js';
import { chooseGroups, loadUnit, rootOption, type LoadedUnit } from '../app/unit-loading.js';

interface ExplainOptions {
  json?: boolean;
  ndjson?: boolean;
  exe?: string;
  comm?: string;
  since?: string;
  until?: string;
  abi: string;
  nativeAbi: string;
  color?: boolean;
  unit?: string;
  unitFile: string[];
  root?: string;
  systemdVersion?: string;
  systemdGroups?: string;
  fromDb?: boolean;
  db?: string;
}

export const DEFAULT_AUDIT_LOG = '/var/log/audit/audit.log';

function isReadable(path: string): boolean {
  try {
    accessSync(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** With no file named and a terminal on stdin, the host's own logs: auditd's, else the kernel's. */
function defaultSources(files: string[], log: (line: string) => void): InputSource[] {
  if (files.length > 0) return files.map(fileSource);
  if (!process.stdin.isTTY) return [stdinSource()];
  if (isReadable(DEFAULT_AUDIT_LOG)) {
    log(`reading ${DEFAULT_AUDIT_LOG} (no file given)`);
    return [fileSource(DEFAULT_AUDIT_LOG)];
  }
  const journal = commandSource('journalctl', ['-k', '-b', '-o', 'json', '--no-pager']);
  log(`reading ${journal.label} (no file given, ${DEFAULT_AUDIT_LOG} is not readable)`);
  return [journal];
}

/** The size of a regular uncompressed file, which the bytes read can be measured against. */
function plainFileSize(path: string | null): number | null {
  if (path === null) return null;
  try {
    const status = statSync(path);
    if (!status.isFile()) return null;
    const file = openSync(path, 'r');
    try {
      const head = Buffer.alloc(2);
      readSync(file, head, 0, 2, 0);
      return isGzip(head) ? null : status.size;
    } finally {
      closeSync(file);
    }
  } catch {
    return null;
  }
}

export function registerExplainCommand(program: Command): void {
  program
    .command('explain', { isDefault: true })
    .description('explain every distinct seccomp denial in kernel or audit logs')
    .argument('[files...]', 'log files (plain or gzip); "-" or none for standard input')
    .option('--json', 'one JSON document: denials and counts')
    .option('--ndjson', 'one JSON object per decoded event, for log pipelines')
    .option('--exe <pattern>', 'only this executable (exact, or a pattern with * and ?)')
    .option('--comm <pattern>', 'only this command name (exact, or a pattern with * and ?)')
    .addOption(sinceOption())
    .addOption(untilOption())
    .addOption(abiOption())
    .addOption(nativeAbiOption())
    .option('--unit <name>', 'also say which of this unit\'s settings blocked each denial (as suggest does)')
    .addOption(unitFileOption('with --unit: the unit file, a drop-in, or a saved `systemctl cat`; repeat for several'))
    .addOption(rootDirectoryOption('with --unit: read the unit from this offline image\'s unit directories'))
    .addOption(systemdVersionOption('with --unit: the bundled group table nearest at or below this version'))
    .addOption(systemdGroupsOption('with --unit: saved `systemd-analyze syscall-filter` output from the unit\'s host'))
    .option('--from-db', 'explain the history store (see ingest) instead of log input')
    .addOption(dbOption(`with --from-db: ${DB_OPTION_HELP}`))
    .addOption(noColourOption())
    .action(async (files: string[], options: ExplainOptions) => {
      process.exitCode = await runExplain(files, options);
    });
}

async function runExplain(files: string[], options: ExplainOptions): Promise<number> {
  if (options.json && options.ndjson) throw new UsageError('--json and --ndjson exclude each other: pick one');
  const now = Date.now();
  const tables = loadBundledSyscallTables();
  const abi = checkedAbi(options.abi, tables);
  checkedAbi(options.nativeAbi, tables, '--native-abi');
  const unitGiven = options.unit !== undefined || options.unitFile.length > 0 || options.root !== undefined;
  if (unitGiven && options.ndjson) throw new UsageError('--ndjson prints events as they are read: --unit goes with the default output or --json');
  // The unit is read before the log, so that a mistake in it is reported at once.
  const unit = unitGiven ? loadUnit(checkedUnit(options.unit), options.unitFile, rootOption(options.root)) : null;
  const groups = unit ? chooseGroups(options.systemdGroups, options.systemdVersion) : null;
  const filter = checkedDenialFilter(options, now);
  if (options.fromDb) {
    if (files.length > 0) throw new UsageError('--from-db reads the store: give no log files with it');
    return explainFromStore(options, filter, unit, groups, tables);
  }
  if (options.db !== undefined) throw new UsageError('--db goes with --from-db (or ingest, watch, report)');
  const sources = defaultSources(files, printMessage);
  const progress = new ProgressLine(process.stderr, (label) => plainFileSize(sources.find((source) => source.label === label)?.path ?? null));
  const failures: InputError[] = [];
  const stats = emptyStats();
  const aggregator = new DenialAggregator();
  let events = 0;
  const denials = readDenials(sources, {
    decode: { tables, assumedAbi: abi },
    filter,
    now,
    onBytes: (source, bytes) => progress.update(source.label, bytes),
    onInputError: (error) => {
      progress.clear();
      failures.push(error);
      printMessage(error.message);
    },
  }, stats);
  for await (const denial of denials) {
    events++;
    if (options.ndjson) {
      if (!process.stdout.write(renderDenialNdjson(denial))) await new Promise((resolve) => process.stdout.once('drain', resolve));
    } else {
      aggregator.add(denial);
    }
  }
  progress.clear();
  stats.overflow = aggregator.overflow;

  if (!options.ndjson) await renderExplanation(aggregator.summaries(), stats, options, unit, groups, tables);
  if (stats.malformed > 0) printMessage(`${formatCount(stats.malformed)} malformed ${stats.malformed === 1 ? 'record' : 'records'} skipped`);
  if (failures.length > 0) return ExitCode.InputError;
  return events > 0 ? ExitCode.Found : ExitCode.NothingFound;
}

/** The explanation, with each denial's attribution when a unit was given. */
async function renderExplanation(summaries: DenialSummary[], stats: ExplainStats, options: ExplainOptions, unit: LoadedUnit | null, groups: SystemdGroups | null, tables: AbiRegistry): Promise<void> {
  let attribution: UnitAttribution | null = null;
  if (unit && groups) {
    const context = { configuration: unit.configuration, groups, tables, nativeAbi: options.nativeAbi };
    attribution = { unit: unit.configuration.unit, findings: new Map(summaries.map((summary) => [summary, attributeDenial(summary, context)])) };
  }
  if (options.json) await writeChunks(explanationJsonChunks(summaries, stats, attribution));
  else await writeChunks(explanationTextChunks(summaries, stats, colourWanted(options.color) ? COLOUR_PALETTE : PLAIN_PALETTE, attribution));
  if (stats.overflow > 0) printMessage(describeOverflow(stats));
}

/** `--from-db`: the same explanation, of the stored history. */
async function explainFromStore(options: ExplainOptions, filter: DenialFilter, unit: LoadedUnit | null, groups: SystemdGroups | null, tables: AbiRegistry): Promise<number> {
  const store = await openStore(options.db, true);
  try {
    if (options.ndjson) {
      let events = 0;
      for (const denial of store.denials(filter)) {
        events++;
        process.stdout.write(renderDenialNdjson(denial));
      }
      return events > 0 ? ExitCode.Found : ExitCode.NothingFound;
    }
    const { summaries, stats } = store.explanation(filter);
    await renderExplanation(summaries, stats, options, unit, groups, tables);
    return summaries.length > 0 ? ExitCode.Found : ExitCode.NothingFound;
  } finally {
    await store.close();
  }
}
