import type { Denial } from '../../decode/index.js';
import type {
  DenialHistory, HistoryIngestOptions, IngestCounts, OpenHistoryOptions, RedecodeCounts, RedecodeOptions, StoredDenial, StoredDenialFilter,
  StoredExplanation,
} from '../denial-history.js';
import { StoreReadOnlyError } from '../store-errors.js';
import type { DenialStore } from './denial-store.js';
import { openDenialStore } from './open-denial-store.js';
import { StoreWriterThread } from './store-writer-thread.js';

/**
 * The history in one SQLite file: reads and `--redecode` on this thread's connection
 * (DenialStore), ingests on a writer thread of their own (StoreWriterThread), started at the
 * first ingest, so that storing overlaps with reading and decoding the input.
 */
export class SqliteDenialHistory implements DenialHistory {
  private writer: StoreWriterThread | null = null;

  private constructor(private readonly store: DenialStore) {}

  /** Opens (making or upgrading) the store as openDenialStore does, with its errors. */
  static open(path: string, options: OpenHistoryOptions = {}): SqliteDenialHistory {
    return new SqliteDenialHistory(openDenialStore(path, options));
  }

  get path(): string {
    return this.store.path;
  }

  async ingest(batches: AsyncIterable<Denial[]> | Iterable<Denial[]>, options: HistoryIngestOptions): Promise<IngestCounts> {
    if (this.store.readOnly) throw new StoreReadOnlyError(this.path, `${this.path}: the store was opened read-only`);
    this.writer ??= await StoreWriterThread.start(this.path);
    return this.writer.ingest(batches, options);
  }

  explanation(filter: StoredDenialFilter = {}): StoredExplanation {
    return this.store.explanation(filter);
  }

  denials(filter: StoredDenialFilter = {}): Iterable<StoredDenial> {
    return this.store.denials(filter);
  }

  groupKeys(): Iterable<string> {
    return this.store.groupKeys();
  }

  redecode(options: RedecodeOptions): RedecodeCounts {
    return this.store.redecode(options);
  }

  /** Closes this thread's connection, then the writer's, the last to fold the WAL back into the file. */
  async close(): Promise<void> {
    try {
      this.store.close();
    } finally {
      const writer = this.writer;
      this.writer = null;
      await writer?.close();
    }
  }
}
