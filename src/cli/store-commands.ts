import type { Command } from 'commander';
import { DistinctFingerprints, denialGroupKey, emptyStats, type ExplainStats } from '../analysis/index.js';
import { loadBundledSyscallTables, type AbiRegistry, type Denial } from '../decode/index.js';
import { commandSource, fileSource, followedFileSource, stdinSource, type InputSource } from '../input/index.js';
import {
  COLOUR_PALETTE, PLAIN_PALETTE, describeOverflow, formatCount, explanationJsonChunks, explanationTextChunks, renderDenialLine,
} from '../render/index.js';
import { writeChunks } from './chunked-output.js';
import { colourWanted } from './colour-choice.js';
import { ExitCode } from './exit-code.js';
import { UsageError } from '../app/usage-error.js';
import { readDenialBatches } from '../app/read-denials.js';
import { openStore } from '../app/open-store.js';
import { printMessage } from './stderr-message.js';
import {
  abiOption, checkedAbi, checkedDenialFilter, checkedUnit, dbOption, noColourOption, sinceOption, untilOption,
} from './options.js';

/** Distinct denials `watch` tells apart, stored and new: a million fingerprints take at most 32 MB. */
const WATCHED_DENIALS = 1_000_000;

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
  color?: boolean;
}

interface WatchOptions {
  db?: string;
  abi: string;
  unit?: string;
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
    .addOption(abiOption())
    .addOption(noColourOption())
    .action(async (file: string | undefined, options: WatchOptions) => {
      process.exitCode = await runWatch(file, options);
    });
}

/** Every event of one source, to be stored, in batches: no filter, read errors said on stderr. */
function readSource(source: InputSource, reading: { tables: AbiRegistry; abi: string; now: number; stats: ExplainStats; onFailure: () => void }): AsyncGenerator<Denial[]> {
  return readDenialBatches([source], {
    decode: { tables: reading.tables, assumedAbi: reading.abi },
    filter: {},
    now: reading.now,
    onInputError: (error) => {
      reading.onFailure();
      printMessage(error.message);
    },
  }, reading.stats);
}


async function runIngest(files: string[], options: IngestOptions): Promise<number> {
  const tables = loadBundledSyscallTables();
  checkedAbi(options.abi, tables);
  const unit = checkedUnit(options.unit) ?? null;
  if (options.redecode) {
    if (files.length > 0) throw new UsageError('--redecode works on what is stored: give no files with it');
    const store = await openStore(options.db, false);
    try {
      const counts = store.redecode({ tables });
      process.stdout.write(`redecoded ${formatCount(counts.events)} stored ${counts.events === 1 ? 'event' : 'events'}: ${formatCount(counts.changed)} changed, ${formatCount(counts.unreadable)} no longer readable (kept as stored) (${store.path})\n`);
      return ExitCode.Found;
    } finally {
      await store.close();
    }
  }
  const store = await openStore(options.db, false);
  try {
    const now = Date.now();
    const sources = files.length > 0 ? files.map(fileSource) : [stdinSource()];
    const stats = emptyStats();
    let added = 0;
    let known = 0;
    let inputFailed = false;
    // One ingest per input: identical records without an audit id are told apart by their order in it.
    for (const source of sources) {
      const batches = readSource(source, { tables, abi: options.abi, now, stats, onFailure: () => { inputFailed = true; } });
      const counts = await store.ingest(batches, { parsedAt: now, assumedAbi: options.abi, unit });
      added += counts.added;
      known += counts.known;
    }
    // Sightings the reader already knew as the same event (the kernel's line and journald's copy) are known too.
    known += stats.duplicates;
    const records = added + known;
    process.stdout.write(`ingested ${formatCount(records)} ${records === 1 ? 'record' : 'records'}: ${formatCount(added)} new ${added === 1 ? 'denial' : 'denials'}, ${formatCount(known)} already known, ${formatCount(stats.malformed)} malformed (${store.path})\n`);
    if (inputFailed) return ExitCode.InputError;
    return records > 0 ? ExitCode.Found : ExitCode.NothingFound;
  } finally {
    await store.close();
  }
}

async function runReport(options: ReportOptions): Promise<number> {
  const filter = { ...checkedDenialFilter(options, Date.now()), host: options.host, unit: options.unit };
  const store = await openStore(options.db, true);
  try {
    const { summaries, stats } = store.explanation(filter);
    if (options.json) await writeChunks(explanationJsonChunks(summaries, stats));
    else await writeChunks(explanationTextChunks(summaries, stats, colourWanted(options.color) ? COLOUR_PALETTE : PLAIN_PALETTE));
    if (stats.overflow > 0) printMessage(describeOverflow(stats));
    return summaries.length > 0 ? ExitCode.Found : ExitCode.NothingFound;
  } finally {
    await store.close();
  }
}

async function runWatch(file: string | undefined, options: WatchOptions): Promise<number> {
  const tables = loadBundledSyscallTables();
  checkedAbi(options.abi, tables);
  const unit = checkedUnit(options.unit) ?? null;
  const store = await openStore(options.db, false);
  const stop = new AbortController();
  const onSignal = (): void => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // Bounded whatever the history holds: a fingerprint per distinct denial, not its text.
    const seen = new DistinctFingerprints(WATCHED_DENIALS);
    for (const key of store.groupKeys()) seen.add(key);
    const source: InputSource = file !== undefined
      ? followedFileSource(file, stop.signal)
      : commandSource('journalctl', ['-f', '-o', 'json', '--no-pager', '-b'], stop.signal);
    printMessage(`watching ${source.label}, storing in ${store.path} (Ctrl-C ends)`);
    const palette = colourWanted(options.color) ? COLOUR_PALETTE : PLAIN_PALETTE;
    let inputFailed = false;
    const now = Date.now();
    const stats = emptyStats();
    const batches = readSource(source, { tables, abi: options.abi, now, stats, onFailure: () => { inputFailed = true; } });
    async function* printingNew(): AsyncGenerator<Denial[]> {
      for await (const batch of batches) {
        for (const denial of batch) {
          if (seen.addNew(denialGroupKey(denial))) process.stdout.write(renderDenialLine(denial, palette));
        }
        yield batch;
      }
    }
    const counts = await store.ingest(printingNew(), { parsedAt: now, assumedAbi: options.abi, unit, maxBatchDelayMs: 200 });
    printMessage(`stored ${formatCount(counts.added)} new ${counts.added === 1 ? 'event' : 'events'}, ${formatCount(counts.known + stats.duplicates)} already known`);
    return inputFailed ? ExitCode.InputError : ExitCode.Found;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await store.close();
  }
}
