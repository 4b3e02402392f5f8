import type { DenialFilter, DenialSummary, ExplainStats } from '../analysis/index.js';
import type { AbiRegistry, Denial } from '../decode/index.js';

/**
 * The history of seccomp events as the commands use it, whatever keeps it (docs/store.md,
 * "How to add a store backend"). One implementation per folder: sqlite/ keeps it in one
 * SQLite file. Every backend stores each event once (event-key.ts), answers `report` as
 * explain would answer over the same events, and throws the StoreError classes of
 * store-errors.ts.
 */
export interface DenialHistory {
  /** Where the history is kept, as the backend opened it (for messages). */
  readonly path: string;
  /**
   * Stores one input's denials, each event once, and returns the counts once they are on
   * disk. Give each input its own call: identical records without an audit id are told apart
   * by their order within one call. `ingest` and `watch` both store through this.
   */
  ingest(batches: AsyncIterable<Denial[]> | Iterable<Denial[]>, options: HistoryIngestOptions): Promise<IngestCounts>;
  /** What `report` shows: the stored events the filter keeps, summarised as explain does. */
  explanation(filter?: StoredDenialFilter): StoredExplanation;
  /** The stored events the filter keeps, each once, in the order stored. */
  denials(filter?: StoredDenialFilter): Iterable<StoredDenial>;
  /** The key of every distinct denial stored (denialGroupKey), one at a time. */
  groupKeys(): Iterable<string>;
  /** Decodes every stored event again from its raw text (`ingest --redecode`). */
  redecode(options: RedecodeOptions): RedecodeCounts;
  /** Ends every use of the history; what was stored stays. */
  close(): Promise<void>;
}

export interface OpenHistoryOptions {
  /** Only read: never creates, upgrades or writes. For `report`, `explain --from-db`, `suggest --from-db`. */
  readOnly?: boolean;
  /** Make missing parent directories (mode 0700): for the default path, not for a `--db` typo. */
  createDirectory?: boolean;
}

/** One input's ingest, as `ingest` and `watch` ask for it. */
export interface HistoryIngestOptions {
  /** The "now" the records were parsed with (ParseContext.now): kept for --redecode. */
  parsedAt: number;
  /** The ABI assumed for records without arch= (DecodeOptions.assumedAbi): kept for --redecode. */
  assumedAbi: string;
  /** The unit every denial of this input is attributed to, or null. */
  unit: string | null;
  /**
   * The longest a denial waits before it is stored though its batch is not full, for a
   * source that may pause (`watch`). Absent: denials are stored in full batches, the last
   * when the input ends.
   */
  maxBatchDelayMs?: number;
}

/** explain's filter, plus what only the store knows: the host and the unit of each event. */
export interface StoredDenialFilter extends DenialFilter {
  /** Only events from this host: exact, or a shell pattern with `*` and `?`. */
  host?: string;
  /** Only events attributed to this unit when ingested: exact, or a shell pattern. */
  unit?: string;
}

/** What `report` renders: the summaries explain would make of the stored events, and counts. */
export interface StoredExplanation {
  summaries: DenialSummary[];
  /**
   * explain's counts, of the store: `records` stored events, `filtered` those the filter left
   * out; `lines`, `duplicates` and `malformed` are 0 (each stored event is stored once).
   */
  stats: ExplainStats;
}

/** A stored event as the Denial it was stored from, with the unit it was attributed to. */
export interface StoredDenial extends Denial {
  unit: string | null;
}

export interface IngestCounts {
  /** Events stored for the first time. */
  added: number;
  /** Sightings of events the store already held (another ingest, or earlier in this one). */
  known: number;
}

export interface RedecodeOptions {
  /** The syscall tables to decode with: the reason to redecode is usually newer ones. */
  tables: AbiRegistry;
  /** Events per transaction. */
  batchSize?: number;
  /** Told the running counts after each committed batch. */
  onProgress?: (counts: RedecodeCounts) => void;
}

export interface RedecodeCounts {
  /** Stored events read again. */
  events: number;
  /** Those whose decoding changed, now stored decoded anew. */
  changed: number;
  /** Those this parser cannot read any more; their stored decoding is kept. */
  unreadable: number;
}
