import { closeSync, mkdirSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { DenialStore } from './denial-store.js';
import { MIGRATIONS, STORE_APPLICATION_ID, type Migration } from './migrations.js';
import {
  StoreCorruptError, StoreForeignError, StoreNotFoundError, StoreOpenError, StoreReadOnlyError, StoreUnsafeError, StoreVersionError,
  storeErrorFrom,
} from '../store-errors.js';

export interface OpenStoreOptions {
  /** Only read: never creates, upgrades or writes the file. For `report`. */
  readOnly?: boolean;
  /** Make missing parent directories (mode 0700): for the default path, not for a `--db` typo. */
  createDirectory?: boolean;
  /** How long to wait for another process's write lock before StoreLockedError. Default 5 000 ms. */
  busyTimeoutMs?: number;
}

/** The first 16 bytes of every SQLite database file. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
/** A SQLite file is at least its 100-byte header; a shorter, non-empty one is damaged. */
const SQLITE_HEADER_BYTES = 100;
/** Larger pages: fewer page writes per appended event and per WAL frame (docs/store.md). */
const PAGE_SIZE = 16_384;
/** WAL pages before an automatic checkpoint (64 MiB), and the size the WAL is cut back to. */
const WAL_AUTOCHECKPOINT_PAGES = 4_096;
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;
const CACHE_SIZE_KIB = 131_072;

function systemErrorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/**
 * What is at the path: a missing file, an empty one (a store to be made), or a SQLite
 * database. Anything else is refused before SQLite ever opens it, so it is never written.
 */
function inspectFile(path: string): 'missing' | 'empty' | 'database' {
  let size: number;
  try {
    const status = statSync(path);
    if (!status.isFile()) throw new StoreOpenError(path, `${path}: not a regular file`);
    size = status.size;
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return 'missing';
    if (error instanceof StoreOpenError) throw error;
    throw new StoreOpenError(path, `${path}: ${(error as Error).message}`, null, { cause: error });
  }
  if (size === 0) return 'empty';
  const header = Buffer.alloc(SQLITE_HEADER.length);
  let file: number;
  try {
    file = openSync(path, 'r');
  } catch (error) {
    throw new StoreOpenError(path, `${path}: cannot read the store (${(error as Error).message})`, null, { cause: error });
  }
  try {
    readSync(file, header, 0, header.length, 0);
  } finally {
    closeSync(file);
  }
  if (size < SQLITE_HEADER_BYTES || !header.equals(SQLITE_HEADER)) {
    throw new StoreCorruptError(path, `${path}: not a SQLite database (corrupt, or another kind of file); it was left untouched`);
  }
  return 'database';
}

/** Write permission for the group and for others. */
const GROUP_OR_OTHERS_WRITE = 0o022;
/** The sticky bit: in such a directory only a file's owner may rename or remove it. */
const STICKY = 0o1000;

function modeText(status: Stats): string {
  return `0${(status.mode & 0o7777).toString(8)}`;
}

/** The status of a path, or null when nothing is there. */
function statusOf(path: string): Stats | null {
  try {
    return statSync(path);
  } catch (error) {
    if (systemErrorCode(error) === 'ENOENT') return null;
    throw new StoreOpenError(path, `${path}: ${(error as Error).message}`, null, { cause: error });
  }
}

/**
 * Refuses a store file, or its -wal or -shm (SQLite reads them as part of the store), that
 * another user owns or that group or others may write: the store holds audit data, and what
 * others write into it would be reported as this system's history (docs/store.md, "Whose
 * store"). `user`: the invoking user's effective uid.
 */
function assertOwnStoreFiles(file: string, user: number): void {
  for (const path of [file, `${file}-wal`, `${file}-shm`]) {
    const status = statusOf(path);
    if (status === null) continue;
    if (status.uid !== user) {
      throw new StoreUnsafeError(file, `${path}: belongs to uid ${status.uid}, not to this user (uid ${user}): a store must be its user's own; it was left untouched`);
    }
    if ((status.mode & GROUP_OR_OTHERS_WRITE) !== 0) {
      throw new StoreUnsafeError(file, `${path}: group or others may write it (mode ${modeText(status)}): a store must be its user's own; \`chmod go-w\` it if it is yours`);
    }
  }
}

/**
 * Refuses to make a store in a directory another user owns, or that group or others may
 * write without the sticky bit: they could put their own file (or -wal) in its place.
 */
function assertOwnDirectory(file: string, directory: string, user: number): void {
  const status = statusOf(directory);
  if (status === null) return; // Creating the file reports the missing directory.
  if (status.uid !== user) {
    throw new StoreUnsafeError(file, `${file}: the directory ${directory} belongs to uid ${status.uid}, not to this user (uid ${user}): a store is made only in a directory of its user's own`);
  }
  if ((status.mode & GROUP_OR_OTHERS_WRITE) !== 0 && (status.mode & STICKY) === 0) {
    throw new StoreUnsafeError(file, `${file}: group or others may write the directory ${directory} (mode ${modeText(status)}): a store is made only in a directory they cannot write`);
  }
}

/** Makes an empty store file, readable by its owner only: it holds audit data. */
function createStoreFile(path: string, createDirectory: boolean, user: number | null): void {
  const directory = dirname(path);
  try {
    if (createDirectory) mkdirSync(directory, { recursive: true, mode: 0o700 });
    if (user !== null) assertOwnDirectory(path, directory, user);
    closeSync(openSync(path, 'wx', 0o600));
  } catch (error) {
    const code = systemErrorCode(error);
    if (error instanceof StoreUnsafeError) throw error;
    if (code === 'EEXIST') return; // Made by another process meanwhile: open it (if it is ours).
    if (code === 'ENOENT') throw new StoreOpenError(path, `${path}: the directory ${directory} does not exist`, null, { cause: error });
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new StoreReadOnlyError(path, `${path}: cannot create the store in ${directory} (${(error as Error).message})`, null, { cause: error });
    }
    throw new StoreOpenError(path, `${path}: cannot create the store (${(error as Error).message})`, null, { cause: error });
  }
}

/** Tables of the file, to tell a new store from ours and from someone else's database. */
function schemaVersionOf(db: Database.Database, path: string): number {
  // One snapshot: another process may be making this same new store meanwhile.
  const { tables, applicationId } = db.transaction(() => ({
    tables: db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[],
    applicationId: db.pragma('application_id', { simple: true }) as number,
  }))();
  if (tables.length === 0 && applicationId === 0) return 0;
  if (applicationId !== STORE_APPLICATION_ID || !tables.includes('schema_version')) {
    throw new StoreForeignError(path, `${path}: a SQLite database, but not a seccomp-explain store; it was left untouched`);
  }
  return (db.prepare('SELECT max(version) FROM schema_version').pluck().get() as number | null) ?? 0;
}

/**
 * Brings the schema from `from` to the last of `migrations`, one transaction per migration.
 * Exported for tests, which check upgrades with migrations of their own.
 */
export function migrateSchema(db: Database.Database, from: number, migrations: readonly Migration[] = MIGRATIONS): void {
  for (const migration of migrations) {
    if (migration.version <= from) continue;
    db.transaction(() => {
      // Another process opening the store at the same moment may have applied it meanwhile.
      if (appliedVersion(db) >= migration.version) return;
      db.exec(migration.sql);
      migration.transform?.(db);
      db.prepare('INSERT INTO schema_version (version, applied_at) VALUES (?, ?)').run(migration.version, Date.now());
    }).immediate();
  }
}

/** The last migration applied, read inside the transaction that would apply the next. */
function appliedVersion(db: Database.Database): number {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get() !== undefined;
  return exists ? ((db.prepare('SELECT max(version) FROM schema_version').pluck().get() as number | null) ?? 0) : 0;
}

function isBusy(error: unknown): boolean {
  return typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('SQLITE_BUSY');
}

/**
 * Puts the store in WAL mode. Converting the journal needs the file to itself, and SQLite does
 * not wait for that (the busy timeout does not apply): while other processes open the same new
 * store, the conversion is tried again until one of them has made it, or `budgetMs` is spent.
 * WAL mode stays with the file, so later opens only read it.
 */
function useWriteAheadLog(db: Database.Database, file: string, budgetMs: number): void {
  const deadline = Date.now() + budgetMs;
  for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
    try {
      if (db.pragma('journal_mode', { simple: true }) === 'wal') return;
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (mode === 'wal') return;
      if (Date.now() >= deadline) throw new StoreOpenError(file, `${file}: cannot use write-ahead logging (journal mode stays ${String(mode)})`);
    } catch (error) {
      if (!isBusy(error) || Date.now() >= deadline) throw error;
    }
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, pause);
  }
}

/**
 * Opens the store at `path`, making it when missing (unless read-only) and upgrading an older
 * schema. Errors are StoreError subclasses that say what to do: a corrupt or foreign file is
 * reported and left as it is, never replaced.
 */
export function openDenialStore(path: string, options: OpenStoreOptions = {}, migrations: readonly Migration[] = MIGRATIONS): DenialStore {
  const file = resolve(path);
  const readOnly = options.readOnly === true;
  const latest = migrations.length === 0 ? 0 : (migrations[migrations.length - 1] as Migration).version;
  // The invoking user; none where there are no uids (Windows).
  const user = process.geteuid?.() ?? null;
  let found = inspectFile(file);
  if (found === 'missing') {
    if (readOnly) throw new StoreNotFoundError(file, `${file}: no store here yet (\`seccomp-explain ingest\` makes one)`);
    createStoreFile(file, options.createDirectory === true, user);
    found = inspectFile(file);
  }
  if (user !== null) assertOwnStoreFiles(file, user);

  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: readOnly, fileMustExist: true, timeout: options.busyTimeoutMs ?? 5_000 });
    // Whose file it is comes first: nothing below may touch a file that is not ours.
    const version = schemaVersionOf(db, file);
    if (!readOnly) {
      if (found === 'empty') db.pragma(`page_size = ${PAGE_SIZE}`);
      useWriteAheadLog(db, file, options.busyTimeoutMs ?? 5_000);
      db.pragma('synchronous = NORMAL');
      db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
      db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
    }
    db.pragma(`cache_size = -${CACHE_SIZE_KIB}`);
    db.pragma('temp_store = MEMORY');

    if (version > latest) {
      throw new StoreVersionError(file, `${file}: the store has schema version ${version}, newer than this seccomp-explain knows (${latest}); use a newer seccomp-explain`);
    }
    if (version < latest) {
      if (readOnly) {
        throw new StoreVersionError(file, `${file}: the store has schema version ${version}, older than ${latest}; upgrade it by opening it writable once: \`seccomp-explain ingest --db ${file} </dev/null\``);
      }
      migrateSchema(db, version, migrations);
    } else if (!readOnly) {
      // Take the write lock once now, so that a locked or read-only store is reported before
      // any input is read rather than after.
      db.transaction(() => undefined).immediate();
    }
    return new DenialStore(db, file, readOnly);
  } catch (error) {
    db?.close();
    const storeError = storeErrorFrom(error, file);
    if (readOnly && (storeError instanceof StoreReadOnlyError || (storeError instanceof StoreOpenError && storeError.sqliteCode !== null))) {
      // Reading a WAL store needs its -shm file, which SQLite makes beside it when missing.
      throw new StoreReadOnlyError(file, `${file}: cannot read the store: SQLite must create ${basename(file)}-shm in ${dirname(file)}, which this user cannot write; run as the store's owner`, storeError.sqliteCode, { cause: error });
    }
    throw storeError;
  }
}


