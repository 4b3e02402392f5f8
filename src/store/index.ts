import type { DenialHistory, OpenHistoryOptions } from './denial-history.js';
import { SqliteDenialHistory } from './sqlite/index.js';

export type {
  DenialHistory, OpenHistoryOptions, HistoryIngestOptions, IngestCounts, StoredDenialFilter, StoredExplanation, StoredDenial, RedecodeOptions,
  RedecodeCounts,
} from './denial-history.js';
export { defaultStorePath, currentStorePathContext, SYSTEM_STORE_PATH, type StorePathContext } from './store-path.js';
export {
  StoreError, StoreLockedError, StoreReadOnlyError, StoreCorruptError, StoreNotFoundError, StoreForeignError, StoreVersionError,
  StoreOpenError, StoreUnsafeError,
} from './store-errors.js';

/**
 * Opens the history at `path`: making it when missing (unless read-only), upgrading an older
 * one. Errors are StoreError subclasses that say what to do. The one backend is SQLite
 * (sqlite/); docs/store.md, "How to add a store backend", says where another one goes.
 */
export function openDenialHistory(path: string, options: OpenHistoryOptions = {}): DenialHistory {
  return SqliteDenialHistory.open(path, options);
}

// The SQLite backend itself, for its tests and the benchmark.
export {
  openDenialStore, DenialStore, StoreWriterThread, CURRENT_SCHEMA_VERSION, type OpenStoreOptions, type DenialSequence, type IngestOptions,
  type ThreadIngestOptions, type WriterIngestOptions,
} from './sqlite/index.js';
