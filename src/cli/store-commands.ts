import type { Command } from 'commander';
import type { HistoryRequest } from '../app/history.js';
import { loadBundledSyscallTables } from '../decode/index.js';
import {
  COLOUR_PALETTE, PLAIN_PALETTE, describeIngest, describeOverflow, formatCount, explanationJsonChunks, explanationTextChunks, renderDenialLine, renderDenialNdjson,
} from '../render/index.js';
import { UsageError } from '../app/usage-error.js';
import { writeChunks } from './chunked-output.js';
import { colourWanted } from './colour-choice.js';
import { ExitCode } from './exit-code.js';
import {
  abiOption, checkedAbi, checkedDenialFilter, checkedUnit, dbOption, noColourOption, sinceOption, untilOption,
} from './options.js';
import { printMessage } from './stderr-message.js';

interface IngestOptions {
  db?: string;
  abi: string;
  unit?: string;
  redecode?: boolean;
}

interface ReportOptions {
  db?: string;
  exe?: string;
  comm?: string;
  host?: string;
  unit?: string;
  since?: string;
  until?: string;
  json?: boolean;
  ndjson?: boolean;
  color?: boolean;
}

interface WatchOptions {
  db?: string;
  abi: string;
  unit?: string;
  exe?: string;
  json?: boolean;
  color?: boolean;
}

export function registerStoreCommands(program: Command): void {
  program
    .command('ingest')
    .description('store the denials of logs in the history store, each event once')
    .argument('[files...]', 'log files (plain or gzip); "-" or none for standard input')
    .addOption(dbOption())
    .option('--unit <name>', 'record that these denials came from this unit (for report --unit)')
    .option('--redecode', 'decode every stored record again from its text, with this version\'s tables')
    .addOption(abiOption())
    .action(async (files: string[], options: IngestOptions) => {
      process.exitCode = await runIngest(files, options);
    });
  program
    .command('report')
    .description('explain the stored denials, as explain does, over the whole history')
    .addOption(dbOption())
    .option('--exe <pattern>', 'only this executable (exact, or a pattern with * and ?)')
    .option('--comm <pattern>', 'only this command name')
    .option('--host <pattern>', 'only events from this host')
    .option('--unit <pattern>', 'only events ingested with this --unit')
    .addOption(sinceOption())
    .addOption(untilOption())
    .option('--json', 'one JSON document, as explain --json')
    .option('--ndjson', 'one JSON object per stored event, as explain --ndjson')
    .addOption(noColourOption())
    .action(async (options: ReportOptions) => {
      process.exitCode = await runReport(options);
    });
  program
    .command('watch')
    .description('follow a log (or journalctl -f), store each event, and print each new distinct denial as it appears')
    .argument('[file]', 'a log file to follow like tail -F; none for journalctl -f -o json')
    .addOption(dbOption())
    .option('--unit <name>', 'record that these denials came from this unit')
    .option('--exe <pattern>', 'print only the new denials of this executable (exact, or a pattern with * and ?); every event is still stored')
    .option('--json', 'print each new distinct denial as one JSON object per line, as explain --ndjson')
    .addOption(abiOption())
    .addOption(noColourOption())
    .action(async (file: string | undefined, options: WatchOptions) => {
      process.exitCode = await runWatch(file, options);
    });
}

/** What the storing commands share: the store, the tables, the ABI for records without arch=, the unit. */
function historyRequest(options: { db?: string; abi: string; unit?: string }): HistoryRequest {
  const tables = loadBundledSyscallTables();
  return { db: options.db, tables, abi: checkedAbi(options.abi, tables), unit: checkedUnit(options.unit) ?? null };
}

async function runIngest(files: string[], options: IngestOptions): Promise<number> {
  const request = historyRequest(options);
  const { ingest, redecodeHistory } = await import('../app/history.js');
  if (options.redecode) {
    const { path, counts } = await redecodeHistory(files, request);
    process.stdout.write(`redecoded ${formatCount(counts.events)} stored ${counts.events === 1 ? 'event' : 'events'}: ${formatCount(counts.changed)} changed, ${formatCount(counts.unreadable)} no longer readable (kept as stored) (${path})\n`);
    return ExitCode.Found;
  }
  const outcome = await ingest(files, request, printMessage);
  process.stdout.write(`${describeIngest(outcome)}\n`);
  if (outcome.inputFailed) return ExitCode.InputError;
  return outcome.added + outcome.known + outcome.seenTwice > 0 ? ExitCode.Found : ExitCode.NothingFound;
}

async function runReport(options: ReportOptions): Promise<number> {
  const filter = { ...checkedDenialFilter(options, Date.now()), host: options.host, unit: options.unit };
  if (options.json && options.ndjson) throw new UsageError('--json and --ndjson exclude each other: pick one');
  if (options.ndjson) {
    const { reportEvents } = await import('../app/history.js');
    const count = await reportEvents(options.db, filter, async (denial) => {
      if (!process.stdout.write(renderDenialNdjson(denial))) await new Promise((resolve) => process.stdout.once('drain', resolve));
    });
    return count > 0 ? ExitCode.Found : ExitCode.NothingFound;
  }
  const { report } = await import('../app/history.js');
  const { summaries, stats } = await report(options.db, filter);
  if (options.json) await writeChunks(explanationJsonChunks(summaries, stats));
  else await writeChunks(explanationTextChunks(summaries, stats, colourWanted(options.color) ? COLOUR_PALETTE : PLAIN_PALETTE, null, { fromStore: true }));
  if (stats.overflow > 0) printMessage(describeOverflow(stats));
  return summaries.length > 0 ? ExitCode.Found : ExitCode.NothingFound;
}

async function runWatch(file: string | undefined, options: WatchOptions): Promise<number> {
  const request = historyRequest(options);
  const { watch } = await import('../app/history.js');
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const palette = colourWanted(options.color) ? COLOUR_PALETTE : PLAIN_PALETTE;
    const counts = await watch(file, request, stop.signal, {
      tell: printMessage,
      onNewDenial: (denial) => process.stdout.write(options.json ? renderDenialNdjson(denial) : renderDenialLine(denial, palette)),
      exe: options.exe,
    });
    printMessage(`stored ${formatCount(counts.added)} new ${counts.added === 1 ? 'event' : 'events'}, ${formatCount(counts.known)} already known`);
    return counts.inputFailed ? ExitCode.InputError : ExitCode.Found;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
