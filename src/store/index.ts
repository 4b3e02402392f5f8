export { openDenialStore, type OpenStoreOptions } from './open-denial-store.js';
export { DenialStore, type DenialSequence, type IngestOptions, type IngestCounts } from './denial-store.js';
export { CURRENT_SCHEMA_VERSION } from './migrations.js';
export { defaultStorePath, currentStorePathContext, SYSTEM_STORE_PATH, type StorePathContext } from './store-path.js';
export {
  StoreError, StoreLockedError, StoreReadOnlyError, StoreCorruptError, StoreNotFoundError, StoreForeignError, StoreVersionError,
  StoreOpenError, StoreUnsafeError,
} from './store-errors.js';
export type { StoredDenialFilter } from './store-filter.js';
export type { StoredExplanation } from './stored-summaries.js';
export type { StoredDenial } from './stored-denials.js';
export type { RedecodeOptions, RedecodeCounts } from './event-redecoder.js';
export { StoreWriterThread, type ThreadIngestOptions, type WriterIngestOptions } from './store-writer-thread.js';
