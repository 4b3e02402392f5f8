import type Database from 'better-sqlite3';
import type { Denial } from '../../decode/index.js';
import { DenialGroups, EventContexts } from './denial-dictionaries.js';
import type { IngestCounts, RedecodeCounts, RedecodeOptions, StoredDenial, StoredDenialFilter, StoredExplanation } from '../denial-history.js';
import { redecodeEvents } from './event-redecoder.js';
import { EventWriter, EventWriteStatements } from './event-writer.js';
import { StoreReadOnlyError, withStoreErrors } from '../store-errors.js';
import { storedDenials } from './stored-denials.js';
import { storedExplanation } from './stored-summaries.js';

export interface IngestOptions {
  /** The "now" the records were parsed with (ParseContext.now): kept for --redecode. */
  parsedAt: number;
  /** The ABI assumed for records without arch= (DecodeOptions.assumedAbi): kept for --redecode. */
  assumedAbi: string;
  /** The unit a denial is attributed to, where the caller knows it. */
  unitOf?: (denial: Denial) => string | null;
  /** Denials per transaction. Default 10 000. */
  batchSize?: number;
  /**
   * From an async source, the longest a denial waits before its batch is committed even
   * though the batch is not full (`watch`). Default 1 000 ms.
   */
  maxBatchDelayMs?: number;
  /**
   * Told the running counts after each committed batch. What it was told is in the store,
   * whatever happens to this process next.
   */
  onCommit?: (counts: IngestCounts) => void;
}

const DEFAULT_BATCH_SIZE = 10_000;
const DEFAULT_MAX_BATCH_DELAY_MS = 1_000;

/**
 * Denials read one at a time by position: an array, or packed ones (PackedDenials) made into
 * objects only when they are stored. The store reads a sequence until its transaction commits,
 * so it must not change once handed over.
 */
export interface DenialSequence {
  readonly length: number;
  at(index: number): Denial | undefined;
}

/** Part of a sequence, waiting for its transaction. */
interface PendingDenials {
  denials: DenialSequence;
  from: number;
  to: number;
}

function isAsyncIterable<T>(source: Iterable<T> | AsyncIterable<T>): source is AsyncIterable<T> {
  return Symbol.asyncIterator in Object(source);
}

async function* singleDenials(denials: AsyncIterable<Denial>): AsyncGenerator<Denial[]> {
  for await (const denial of denials) yield [denial];
}

function* inArrays(denials: Iterable<Denial>, size: number): Generator<Denial[]> {
  let array: Denial[] = [];
  for (const denial of denials) {
    array.push(denial);
    if (array.length >= size) {
      yield array;
      array = [];
    }
  }
  if (array.length > 0) yield array;
}

/**
 * A history of seccomp events in one SQLite file (docs/store.md). Made by openDenialStore.
 * Not safe to use from two places at once within one process; any number of processes may
 * use one store: writers take turns per batch, readers never wait.
 */
export class DenialStore {
  private readonly groups: DenialGroups;
  private readonly contexts: EventContexts;
  private writeStatements: EventWriteStatements | null = null;

  constructor(
    private readonly db: Database.Database,
    readonly path: string,
    readonly readOnly: boolean,
  ) {
    this.groups = new DenialGroups(db);
    this.contexts = new EventContexts(db);
  }

  /**
   * Stores the denials of one input, each event once (docs/store.md, "Event keys"), in
   * transactions of `batchSize`. Give each input its own call: identical records without an
   * audit id are told apart by their order within one call. The counts are returned once the
   * last transaction is on disk (fsync); a process killed before loses only what no
   * `onCommit` had reported.
   */
  async ingest(denials: Iterable<Denial> | AsyncIterable<Denial>, options: IngestOptions): Promise<IngestCounts> {
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    return this.ingestBatches(isAsyncIterable(denials) ? singleDenials(denials) : inArrays(denials, batchSize), options);
  }

  /** As `ingest`, for denials that come in batches (arrays, packed batches): one wait per batch, not per denial. */
  async ingestBatches(batches: Iterable<DenialSequence> | AsyncIterable<DenialSequence>, options: IngestOptions): Promise<IngestCounts> {
    this.assertWritable();
    const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize ${batchSize}: not a count of denials`);
    const statements = (this.writeStatements ??= withStoreErrors(this.path, () => new EventWriteStatements(this.db)));
    const runId = withStoreErrors(this.path, () => Number(this.db
      .prepare('INSERT INTO ingest_run (started_at, parsed_at, assumed_abi) VALUES (?, ?, ?)')
      .run(Date.now(), options.parsedAt, options.assumedAbi).lastInsertRowid));
    const writer = new EventWriter(statements, this.groups, this.contexts, runId);
    const maxDelay = options.maxBatchDelayMs ?? DEFAULT_MAX_BATCH_DELAY_MS;
    const counts: IngestCounts = { added: 0, known: 0 };
    let pending: PendingDenials[] = [];
    let pendingCount = 0;
    let timer: NodeJS.Timeout | null = null;
    let failure: { error: unknown } | null = null;

    const commit = (final: boolean): void => {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      const batch = pending;
      pending = [];
      pendingCount = 0;
      const batchCounts = this.commitBatch(writer, runId, batch, options.unitOf, final);
      counts.added += batchCounts.added;
      counts.known += batchCounts.known;
      options.onCommit?.({ ...counts });
    };
    // Runs while the loop below waits for its source: nothing else is writing then.
    const commitQuietBatch = (): void => {
      timer = null;
      try {
        commit(false);
      } catch (error) {
        failure = { error };
      }
    };
    const add = (denials: DenialSequence, fromAsyncSource: boolean): void => {
      if (failure !== null) throw failure.error;
      if (!Number.isSafeInteger(denials.length)) throw new TypeError('ingestBatches takes batches with a length (arrays, packed batches)');
      for (let from = 0; from < denials.length;) {
        const to = Math.min(denials.length, from + batchSize - pendingCount);
        pending.push({ denials, from, to });
        pendingCount += to - from;
        from = to;
        if (pendingCount >= batchSize) commit(false);
      }
      if (fromAsyncSource && timer === null && pendingCount > 0) timer = setTimeout(commitQuietBatch, maxDelay);
    };

    try {
      if (isAsyncIterable(batches)) {
        for await (const denials of batches) add(denials, true);
      } else {
        for (const denials of batches) add(denials, false);
      }
      if (failure !== null) throw (failure as { error: unknown }).error;
      commit(true);
    } finally {
      if (timer !== null) clearTimeout(timer);
    }
    return counts;
  }

  /** One transaction: the batch and the run's counts. The last one is synced to disk. */
  private commitBatch(writer: EventWriter, runId: number, batch: readonly PendingDenials[], unitOf: IngestOptions['unitOf'], final: boolean): IngestCounts {
    return withStoreErrors(this.path, () => {
      const batchCounts: IngestCounts = { added: 0, known: 0 };
      if (final) this.db.pragma('synchronous = FULL');
      try {
        this.db.transaction(() => {
          writer.refresh();
          for (const { denials, from, to } of batch) {
            for (let index = from; index < to; index++) {
              const denial = denials.at(index) as Denial;
              batchCounts[writer.write(denial, unitOf?.(denial) ?? null)]++;
            }
          }
          this.db.prepare('UPDATE ingest_run SET added = added + ?, known = known + ?, finished_at = ? WHERE id = ?')
            .run(batchCounts.added, batchCounts.known, final ? Date.now() : null, runId);
        }).immediate();
      } catch (error) {
        this.groups.forget();
        this.contexts.forget();
        throw error;
      } finally {
        if (final) this.db.pragma('synchronous = NORMAL');
      }
      return batchCounts;
    });
  }

  /** What `report` shows: the stored events the filter keeps, summarised as explain does. */
  /** The key of every distinct denial stored (denialGroupKey), one at a time. */
  *groupKeys(): Generator<string> {
    for (const key of this.db.prepare('SELECT key FROM denial_group').pluck().iterate()) yield key as string;
  }

  explanation(filter: StoredDenialFilter = {}): StoredExplanation {
    return withStoreErrors(this.path, () => storedExplanation(this.db, this.groups, this.contexts, filter));
  }

  /** The stored events the filter keeps, each once, in the order stored. */
  *denials(filter: StoredDenialFilter = {}): Generator<StoredDenial> {
    const events = withStoreErrors(this.path, () => storedDenials(this.db, this.groups, this.contexts, filter));
    for (;;) {
      const next = withStoreErrors(this.path, () => events.next());
      if (next.done) return;
      yield next.value;
    }
  }

  /** Decodes every stored event again from its raw text (`ingest --redecode`). */
  redecode(options: RedecodeOptions): RedecodeCounts {
    this.assertWritable();
    return withStoreErrors(this.path, () => redecodeEvents(this.db, this.groups, this.contexts, options));
  }

  /** How many events the store holds. */
  eventCount(): number {
    return withStoreErrors(this.path, () => this.db.prepare('SELECT count(*) FROM event').pluck().get() as number);
  }

  /** The schema version of the file (after any upgrade on opening). */
  schemaVersion(): number {
    return withStoreErrors(this.path, () => this.db.prepare('SELECT max(version) FROM schema_version').pluck().get() as number);
  }

  /** Closes the file; the last connection to close folds the WAL back into it. */
  close(): void {
    if (this.db.open) withStoreErrors(this.path, () => this.db.close());
  }

  private assertWritable(): void {
    if (this.readOnly) throw new StoreReadOnlyError(this.path, `${this.path}: the store was opened read-only`);
  }
}
