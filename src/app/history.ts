import { existsSync } from 'node:fs';
import { DistinctFingerprints, denialGroupKey, denialPredicate, emptyStats, type DenialSummary, type ExplainStats } from '../analysis/index.js';
import type { AbiRegistry, Denial } from '../decode/index.js';
import { commandSource, fileSource, followedFileSource, stdinSource, type InputSource } from '../input/index.js';
import type { RedecodeCounts, StoredDenialFilter } from '../store/index.js';
import { openStore } from './open-store.js';
import { readDenialBatches } from './read-denials.js';
import { UsageError } from './usage-error.js';

/** Distinct denials `watch` tells apart, stored and new: a million fingerprints take at most 32 MB. */
const WATCHED_DENIALS = 1_000_000;

export interface HistoryRequest {
  /** `--db`, or undefined for the default store. */
  db?: string;
  tables: AbiRegistry;
  /** The ABI of records without `arch=`. */
  abi: string;
  /** The unit the denials came from, as the user said (`--unit`), or null. */
  unit: string | null;
}

/** Every event of one source, to be stored, in batches: no filter, read errors told. */
function readSource(source: InputSource, request: HistoryRequest, now: number, stats: ExplainStats, onFailure: (message: string) => void): AsyncGenerator<Denial[]> {
  return readDenialBatches([source], {
    decode: { tables: request.tables, assumedAbi: request.abi },
    filter: {},
    now,
    onInputError: (error) => onFailure(error.message),
  }, stats);
}

export interface IngestOutcome {
  path: string;
  added: number;
  /** Events already stored. */
  known: number;
  /** Second sightings of an event within the input (the kernel's line and journald's copy). */
  seenTwice: number;
  malformed: number;
  inputFailed: boolean;
}

/** `ingest`: stores each event of the logs (standard input when none) once. */
export async function ingest(files: string[], request: HistoryRequest, tell: (message: string) => void): Promise<IngestOutcome> {
  const store = await openStore(request.db, false);
  try {
    const now = Date.now();
    const sources = files.length > 0 ? files.map(fileSource) : [stdinSource()];
    const stats = emptyStats();
    let added = 0;
    let known = 0;
    let inputFailed = false;
    // One ingest per input: identical records without an audit id are told apart by their order in it.
    for (const source of sources) {
      const batches = readSource(source, request, now, stats, (message) => {
        inputFailed = true;
        tell(message);
      });
      const counts = await store.ingest(batches, { parsedAt: now, assumedAbi: request.abi, unit: request.unit });
      added += counts.added;
      known += counts.known;
    }
    return { path: store.path, added, known, seenTwice: stats.duplicates, malformed: stats.malformed, inputFailed };
  } finally {
    await store.close();
  }
}

/** `ingest --redecode`: decodes every stored record again from its text, with these tables. */
export async function redecodeHistory(files: string[], request: HistoryRequest): Promise<{ path: string; counts: RedecodeCounts }> {
  if (files.length > 0) throw new UsageError('--redecode works on what is stored: give no files with it');
  const store = await openStore(request.db, false);
  try {
    return { path: store.path, counts: store.redecode({ tables: request.tables }) };
  } finally {
    await store.close();
  }
}

/** `report`: explain's summaries of the stored events that pass the filter. */
export async function report(db: string | undefined, filter: StoredDenialFilter): Promise<{ summaries: DenialSummary[]; stats: ExplainStats }> {
  const store = await openStore(db, true);
  try {
    return store.explanation(filter);
  } finally {
    await store.close();
  }
}

/**
 * `report --ndjson`: each stored event the filter keeps, once, in the order stored, handed to
 * `onDenial` (awaited, so that a slow reader holds the store, not memory). Returns how many.
 */
export async function reportEvents(db: string | undefined, filter: StoredDenialFilter, onDenial: (denial: Denial) => void | Promise<void>): Promise<number> {
  const store = await openStore(db, true);
  try {
    let count = 0;
    for (const denial of store.denials(filter)) {
      await onDenial(denial);
      count++;
    }
    return count;
  } finally {
    await store.close();
  }
}

export interface WatchListener {
  tell: (message: string) => void;
  /** The first event of a distinct denial the store has never held (of the program `exe` asks for). */
  onNewDenial: (denial: Denial) => void;
  /** Only denials of this program are told (`--exe`): exact, or a pattern with `*` and `?`. Every event is stored. */
  exe?: string;
}

/**
 * `watch`: follows a log (or this boot's journal) until `stop` aborts, storing each event and
 * telling of each distinct denial the store has never held, as it appears.
 */
export async function watch(file: string | undefined, request: HistoryRequest, stop: AbortSignal, listener: WatchListener): Promise<{ added: number; known: number; inputFailed: boolean }> {
  const store = await openStore(request.db, false);
  try {
    // Bounded whatever the history holds: a fingerprint per distinct denial, not its text.
    const seen = new DistinctFingerprints(WATCHED_DENIALS);
    for (const key of store.groupKeys()) seen.add(key);
    const source: InputSource = file !== undefined
      ? followedFileSource(file, stop)
      : commandSource('journalctl', ['-f', '-o', 'json', '--no-pager', '-b'], stop);
    if (file !== undefined && !existsSync(file)) listener.tell(`${file} does not exist yet: it is read once it is created`);
    listener.tell(`watching ${source.label}, storing in ${store.path} (Ctrl-C ends)`);
    const told = denialPredicate({ exe: listener.exe });
    let inputFailed = false;
    const now = Date.now();
    const stats = emptyStats();
    const batches = readSource(source, request, now, stats, (message) => {
      inputFailed = true;
      listener.tell(message);
    });
    async function* tellingNew(): AsyncGenerator<Denial[]> {
      for await (const batch of batches) {
        for (const denial of batch) if (seen.addNew(denialGroupKey(denial)) && told(denial)) listener.onNewDenial(denial);
        yield batch;
      }
    }
    const counts = await store.ingest(tellingNew(), { parsedAt: now, assumedAbi: request.abi, unit: request.unit, maxBatchDelayMs: 200 });
    return { added: counts.added, known: counts.known + stats.duplicates, inputFailed };
  } finally {
    await store.close();
  }
}
