/**
 * What can go wrong with a store, as errors a command line can print as they are: each says
 * which file and what to do. None of them is ever answered by replacing the file.
 */
export class StoreError extends Error {
  constructor(
    readonly path: string,
    message: string,
    /** SQLite's extended error code (`SQLITE_BUSY`…), when SQLite reported it. */
    readonly sqliteCode: string | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Another process holds the store's write lock longer than the busy timeout. */
export class StoreLockedError extends StoreError {}

/** The store cannot be written: opened read-only, a read-only file, directory or file system. */
export class StoreReadOnlyError extends StoreError {}

/** The file is not a SQLite database, or one whose pages are damaged. It is left as it is. */
export class StoreCorruptError extends StoreError {}

/** No store at the path (only a writer creates one). */
export class StoreNotFoundError extends StoreError {}

/** A SQLite database, but not a seccomp-explain store: it is left alone. */
export class StoreForeignError extends StoreError {}

/** The store's schema is newer than this program knows, or older and opened read-only. */
export class StoreVersionError extends StoreError {}

/**
 * The store file (or its -wal or -shm, or the directory a new store is made in) is another
 * user's, or others may write it: using it would take in their data or hand them ours.
 */
export class StoreUnsafeError extends StoreError {}

/** The file cannot be opened at all: a missing directory, no permission, not a file. */
export class StoreOpenError extends StoreError {}

/**
 * A row that does not hold what this program writes (a column of the wrong type, notes that
 * are not JSON, a reference to a missing row): raised where the row is read, without the
 * path, and made a StoreCorruptError by storeErrorFrom.
 */
export class StoreDamageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreDamageError';
  }
}

/** An error thrown by better-sqlite3: it carries SQLite's extended result code. */
function sqliteCodeOf(error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : null;
}

/**
 * The store error for an error SQLite raised while working on `path`; errors that are not
 * SQLite's (and store errors already) are returned unchanged.
 */
export function storeErrorFrom(error: unknown, path: string): unknown {
  if (error instanceof StoreError) return error;
  if (error instanceof StoreDamageError) {
    return new StoreCorruptError(path, `${path}: the store is damaged (${error.message}); it was left untouched: move it aside to start a new one`, null, { cause: error });
  }
  const code = sqliteCodeOf(error);
  if (code === null) return error;
  const detail = (error as Error).message;
  const options = { cause: error };
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StoreLockedError(path, `${path}: the store is locked by another process (${detail}); try again when it is done`, code, options);
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new StoreReadOnlyError(path, `${path}: the store cannot be written (${detail}): check the permissions of the file and its directory`, code, options);
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return new StoreCorruptError(path, `${path}: the store is corrupt (${detail}); it was left untouched: move it aside to start a new one`, code, options);
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM') || code.startsWith('SQLITE_AUTH')) {
    return new StoreOpenError(path, `${path}: cannot open the store (${detail})`, code, options);
  }
  if (code.startsWith('SQLITE_FULL')) {
    return new StoreError(path, `${path}: the disk is full; what was reported as stored is kept`, code, options);
  }
  return new StoreError(path, `${path}: ${detail}`, code, options);
}

/** Runs `action`, turning SQLite's errors into store errors for `path`. */
export function withStoreErrors<T>(path: string, action: () => T): T {
  try {
    return action();
  } catch (error) {
    throw storeErrorFrom(error, path);
  }
}

/** An error as it crosses between threads: a StoreError's class, path and SQLite code, or any error's message. */
export interface ErrorParts {
  name: string;
  message: string;
  path: string | null;
  sqliteCode: string | null;
  stack: string | undefined;
}

const STORE_ERROR_CLASSES: ReadonlyMap<string, typeof StoreError> = new Map<string, typeof StoreError>(
  [StoreError, StoreLockedError, StoreReadOnlyError, StoreCorruptError, StoreNotFoundError, StoreForeignError, StoreVersionError, StoreOpenError, StoreUnsafeError]
    .map((errorClass) => [errorClass.name, errorClass]),
);

export function errorParts(error: unknown): ErrorParts {
  if (error instanceof StoreError) {
    return { name: error.name, message: error.message, path: error.path, sqliteCode: error.sqliteCode, stack: error.stack };
  }
  const thrown = error instanceof Error ? error : new Error(String(error));
  return { name: thrown.name, message: thrown.message, path: null, sqliteCode: null, stack: thrown.stack };
}

/** The error again, on this side: the same StoreError class, or an Error with the message and the other thread's stack. */
export function errorFromParts(parts: ErrorParts): Error {
  const storeErrorClass = STORE_ERROR_CLASSES.get(parts.name);
  const error = storeErrorClass !== undefined && parts.path !== null
    ? new storeErrorClass(parts.path, parts.message, parts.sqliteCode)
    : new Error(parts.message);
  if (parts.stack !== undefined) error.stack = parts.stack;
  return error;
}
