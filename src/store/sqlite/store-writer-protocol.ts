/** The messages between a StoreWriterThread and its worker (store-writer-worker.ts). */
import type { DenialBatch } from './denial-batch.js';
import type { IngestCounts } from '../denial-history.js';
import type { OpenStoreOptions } from './open-denial-store.js';
import type { ErrorParts } from '../store-errors.js';

/** What the worker is started with. */
export interface StoreWriterJob {
  path: string;
  open: OpenStoreOptions;
}

/** The options of one ingest that can cross threads: DenialStore.ingest's, with one unit for all. */
export interface WriterIngestOptions {
  parsedAt: number;
  assumedAbi: string;
  /** The unit every denial of this input is attributed to, or null. */
  unit?: string | null;
  batchSize?: number;
  /**
   * As IngestOptions.maxBatchDelayMs, for a source that may pause (`watch`); when given, each
   * batch of the source is posted to the writer as soon as it is packed, not when a message is full.
   */
  maxBatchDelayMs?: number;
}

export type ToStoreWriter =
  | { kind: 'ingest'; options: WriterIngestOptions }
  | { kind: 'denials'; batch: DenialBatch }
  | { kind: 'end' }
  | { kind: 'close' };

export type FromStoreWriter =
  | { kind: 'opened'; path: string }
  | { kind: 'taken' }
  | { kind: 'committed'; counts: IngestCounts }
  | { kind: 'ingested'; counts: IngestCounts }
  | { kind: 'closed' }
  | { kind: 'failed'; error: ErrorParts };
