import type { Command } from 'commander';
import { UsageError } from '../app/usage-error.js';
import { loadBundledSyscallTables } from '../decode/index.js';
import { plainFileSize, type InputSource } from '../input/index.js';
import {
  COLOUR_PALETTE, PLAIN_PALETTE, describeHostLogChoice, describeNotText, describeOverflow, formatCount, explanationJsonChunks, explanationTextChunks, renderDenialNdjson,
} from '../render/index.js';
import { writeChunks } from './chunked-output.js';
import { colourWanted } from './colour-choice.js';
import { ExitCode } from './exit-code.js';
import {
  DB_OPTION_HELP, abiOption, checkedAbi, checkedDenialFilter, checkedUnit, dbOption, nativeAbiHint, nativeAbiOption, noColourOption, quietOption, rootDirectoryOption, sinceOption,
  systemdGroupsOption, systemdVersionOption, unitFileOption, untilOption,
} from './options.js';
import { ProgressLine } from './progress-line.js';
import { printMessage } from './stderr-message.js';

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
  unitFile?: string[];
  root?: string;
  systemdVersion?: string;
  systemdGroups?: string;
  fromDb?: boolean;
  db?: string;
  quiet?: boolean;
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
    .addOption(quietOption())
    .action(async (files: string[], options: ExplainOptions, command: Command) => {
      process.exitCode = await runExplain(files, options, nativeAbiHint(command, options.nativeAbi));
    });
}

/** `hint`: said when a unit is judged (nativeAbiHint). */
async function runExplain(files: string[], options: ExplainOptions, hint: string | null): Promise<number> {
  if (options.json && options.ndjson) throw new UsageError('--json and --ndjson exclude each other: pick one');
  const tables = loadBundledSyscallTables();
  const abi = checkedAbi(options.abi, tables);
  const nativeAbi = checkedAbi(options.nativeAbi, tables, '--native-abi');
  const unitFiles = options.unitFile ?? [];
  const unitGiven = options.unit !== undefined || unitFiles.length > 0 || options.root !== undefined;
  if (unitGiven && options.ndjson) throw new UsageError('--ndjson prints events as they are read: --unit goes with the default output or --json');
  const inform = options.quiet ? () => undefined : printMessage;
  if (unitGiven && hint !== null) inform(hint);
  // The unit is read before the log, so that a mistake in it is reported at once.
  let unit = null;
  let unitFailed = false;
  if (unitGiven) {
    // The unit model is loaded only when a unit is given.
    const { chooseGroups, loadUnit, rootOption } = await import('../app/unit-loading.js');
    const { tellSkippedFiles } = await import('../app/unit-tree.js');
    const groups = chooseGroups(options.systemdGroups, options.systemdVersion);
    try {
      unit = { loaded: loadUnit(checkedUnit(options.unit), unitFiles, rootOption(options.root), tellSkippedFiles(printMessage)), groups };
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      // The denials are explained all the same; only what blocked them is missing.
      printMessage(`warning: ${error.message}; explaining the denials without the unit`);
      unitFailed = true;
    }
  }
  const filter = checkedDenialFilter(options, Date.now());
  let reading: InputSource | null = null;
  const progress = new ProgressLine(process.stderr, (label) => (reading?.label === label && reading.path !== null ? plainFileSize(reading.path) : null));
  const { explain } = await import('../app/explain.js');
  const outcome = await explain({
    files, filter, tables, abi, nativeAbi, unit, fromDb: options.fromDb === true, db: options.db, streaming: options.ndjson === true,
    findUnits: !options.ndjson && !options.json && !unitGiven,
  }, {
    tell: printMessage,
    onHostLog: (choice) => inform(describeHostLogChoice(choice)),
    onEvent: async (denial) => {
      if (!process.stdout.write(renderDenialNdjson(denial))) await new Promise((resolve) => process.stdout.once('drain', resolve));
    },
    onBytes: (source, bytes) => {
      reading = source;
      progress.update(source.label, bytes);
    },
    onInputError: () => progress.clear(),
  });
  progress.clear();
  for (const input of outcome.notText) printMessage(describeNotText(input));
  if (!options.ndjson) {
    const { summaries, stats, attribution } = outcome;
    if (options.json) await writeChunks(explanationJsonChunks(summaries, stats, attribution));
    else {
      const guide = { actionMeanings: true, units: outcome.units, files, fromStore: options.fromDb === true, notText: outcome.notText };
      await writeChunks(explanationTextChunks(summaries, stats, colourWanted(options.color) ? COLOUR_PALETTE : PLAIN_PALETTE, attribution, guide));
    }
    if (stats.overflow > 0) printMessage(describeOverflow(stats));
  }
  if (outcome.stats.malformed > 0) printMessage(`${formatCount(outcome.stats.malformed)} malformed ${outcome.stats.malformed === 1 ? 'record' : 'records'} skipped`);
  if (outcome.inputFailed || unitFailed) return ExitCode.InputError;
  return outcome.events > 0 ? ExitCode.Found : ExitCode.NothingFound;
}
