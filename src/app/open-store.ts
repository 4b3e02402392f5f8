import type { DenialHistory } from '../store/index.js';

/**
 * Opens `--db PATH`, or the default store (making its directory when it is the default). The
 * store and SQLite are loaded here, on first use, so that commands without one never load them.
 */
export async function openStore(db: string | undefined, readOnly: boolean): Promise<DenialHistory> {
  const { openDenialHistory } = await import('../store/index.js');
  return openDenialHistory(await storePath(db), { readOnly, createDirectory: db === undefined });
}

async function storePath(db: string | undefined): Promise<string> {
  if (db !== undefined) return db;
  const { currentStorePathContext, defaultStorePath } = await import('../store/index.js');
  return defaultStorePath(currentStorePathContext());
}
