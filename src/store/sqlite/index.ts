export { SqliteDenialHistory } from './sqlite-denial-history.js';
export { openDenialStore, migrateSchema, type OpenStoreOptions } from './open-denial-store.js';
export { DenialStore, type DenialSequence, type IngestOptions } from './denial-store.js';
export { CURRENT_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations.js';
export { StoreWriterThread, type ThreadIngestOptions, type WriterIngestOptions } from './store-writer-thread.js';
