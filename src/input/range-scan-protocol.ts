/** The messages between the parallel reader and its range-scanning workers. */
import type { FileRange, ScanSettings } from './file-range-scan.js';

/** What the parallel reader hands a worker. */
export interface RangeScanJob {
  range: FileRange;
  scan: ScanSettings;
  /**
   * One Int32: how many bytes of candidate lines the worker may still post before the reader
   * has taken them. The reader takes ranges in order, so a later range's worker would
   * otherwise hold a whole range's records in memory.
   */
  budget: SharedArrayBuffer;
}

/** What a worker posts back, in order. */
export type RangeScanMessage =
  | { kind: 'lines'; lines: Uint8Array; bytesRead: number }
  | { kind: 'progress'; bytesRead: number }
  | { kind: 'done'; counts: { bytes: number; lines: number; overlongRecords: number } };

/** Candidate lines are posted in batches of about this size: small, so the reader can parse them while the worker goes on. */
export const BATCH_BYTES = 64 * 1024;
