import { Worker } from 'node:worker_threads';
import type { Denial } from '../../decode/index.js';
import { DenialBatchBuilder, transferables } from './denial-batch.js';
import type { IngestCounts } from '../denial-history.js';
import { MessageInbox } from '../../message-inbox.js';
import type { OpenStoreOptions } from './open-denial-store.js';
import { errorFromParts, errorParts, type ErrorParts } from '../store-errors.js';
import type { FromStoreWriter, StoreWriterJob, ToStoreWriter, WriterIngestOptions } from './store-writer-protocol.js';

export type { WriterIngestOptions } from './store-writer-protocol.js';

/** Denials packed into one message to the writer. */
const DENIALS_PER_MESSAGE = 2_048;
/** Messages posted and not yet taken by the writer: enough to keep it busy, few enough to bound memory. */
const MESSAGES_IN_FLIGHT = 4;

export interface ThreadIngestOptions extends WriterIngestOptions {
  /** As IngestOptions.onCommit: told the running counts after each committed batch. */
  onCommit?: (counts: IngestCounts) => void;
}

/**
 * A store written on a thread of its own, so that storing one input's denials overlaps with
 * reading and decoding the next ones on the caller's thread (docs/store.md, "Writer thread").
 * It runs DenialStore.ingest there, with the same guarantees: each event once, batched
 * transactions, counts returned once the last one is on disk. Made by `start`.
 */
export class StoreWriterThread {
  private readonly inbox = new MessageInbox<FromStoreWriter>();
  private inFlight = 0;
  private failure: Error | null = null;

  private openedPath = '';

  private constructor(private readonly worker: Worker) {
    const failed = (error: Error): FromStoreWriter => ({ kind: 'failed', error: errorParts(error) });
    worker.on('message', (message: FromStoreWriter) => this.inbox.push(message));
    worker.on('error', (error) => this.inbox.push(failed(error)));
    worker.on('exit', (code) => this.inbox.push(failed(new Error(`the store writer thread ended (exit code ${code})`))));
  }

  /** The store's file, as the writer opened it (absolute). */
  get path(): string {
    return this.openedPath;
  }

  /**
   * Starts the thread, which opens the store as openDenialStore does; its errors (locked,
   * read-only, corrupt…) are thrown here as the same StoreError classes.
   */
  static async start(path: string, open: OpenStoreOptions = {}): Promise<StoreWriterThread> {
    const job: StoreWriterJob = { path, open };
    const thread = new StoreWriterThread(new Worker(new URL('./store-writer-worker.js', import.meta.url), { workerData: job }));
    const first = await thread.inbox.next();
    if (first.kind !== 'opened') {
      await thread.worker.terminate();
      throw first.kind === 'failed' ? errorFromParts(first.error) : new Error(`store writer: ${first.kind} before the store was opened`);
    }
    thread.openedPath = first.path;
    return thread;
  }

  /**
   * Stores one input's denials, as DenialStore.ingest does (one call per input). The batches
   * are packed and posted as they come, while the writer stores the ones before. If reading
   * them fails, the thread is stopped: what it committed stays, the rest is not stored.
   */
  async ingest(batches: AsyncIterable<Denial[]> | Iterable<Denial[]>, options: ThreadIngestOptions): Promise<IngestCounts> {
    if (this.failure !== null) throw this.failure;
    const { onCommit, ...crossing } = options;
    this.post({ kind: 'ingest', options: crossing });
    const builder = new DenialBatchBuilder(DENIALS_PER_MESSAGE);
    const postEachBatch = options.maxBatchDelayMs !== undefined;
    const send = async (): Promise<void> => {
      while (this.inFlight >= MESSAGES_IN_FLIGHT) this.handle(await this.inbox.next(), onCommit);
      for (let message = this.inbox.take(); message !== undefined; message = this.inbox.take()) this.handle(message, onCommit);
      const batch = builder.take();
      this.post({ kind: 'denials', batch }, transferables(batch));
      this.inFlight++;
    };
    try {
      for await (const denials of batches) {
        for (const denial of denials) {
          builder.add(denial);
          if (builder.full) await send();
        }
        if (postEachBatch && builder.size > 0) await send();
      }
      if (builder.size > 0) await send();
    } catch (error) {
      this.failure ??= error instanceof Error ? error : new Error(String(error));
      await this.worker.terminate();
      throw error;
    }
    this.post({ kind: 'end' });
    for (;;) {
      const counts = this.handle(await this.inbox.next(), onCommit);
      if (counts !== null) return counts;
    }
  }

  /** Closes the store on its thread (the last connection folds the WAL back) and ends the thread. */
  async close(): Promise<void> {
    if (this.failure !== null) {
      await this.worker.terminate();
      return;
    }
    this.post({ kind: 'close' });
    for (;;) {
      const message = await this.inbox.next();
      if (message.kind === 'closed') break;
      if (message.kind === 'failed') throw this.fail(message.error);
    }
  }

  private post(message: ToStoreWriter, transfer: ArrayBuffer[] = []): void {
    this.worker.postMessage(message, transfer);
  }

  private fail(parts: ErrorParts): Error {
    this.failure = errorFromParts(parts);
    return this.failure;
  }

  /** Acts on one message from the writer; the counts when it is the end of the ingest. */
  private handle(message: FromStoreWriter, onCommit: ThreadIngestOptions['onCommit']): IngestCounts | null {
    switch (message.kind) {
      case 'taken':
        this.inFlight--;
        return null;
      case 'committed':
        onCommit?.(message.counts);
        return null;
      case 'ingested':
        return message.counts;
      case 'failed':
        throw this.fail(message.error);
      default:
        throw this.fail(errorParts(new Error(`store writer: ${message.kind} in the middle of an ingest`)));
    }
  }
}
