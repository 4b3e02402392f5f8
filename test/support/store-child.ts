/**
 * A separate process for the store tests (test/store.test.ts), run from the build:
 *
 *   node dist/test/support/store-child.js ingest DB INPUT BATCH
 *     ingests INPUT as `ingest` would; prints the counts after every committed batch as one
 *     JSON line ({"added":…,"known":…}), then "done". The crash test kills it in the middle.
 *   node dist/test/support/store-child.js open DB [UID]
 *     opens DB for writing and prints {"ok":true} or {"error":"StoreReadOnlyError",…}. With a
 *     UID (run as root), it becomes that user (and group) first, once it has loaded all it
 *     needs: the checkout it runs from may be one only root can enter (a 0700 directory).
 */
import Database from 'better-sqlite3';
import { emptyStats } from '../../src/analysis/index.js';
import { readDenials } from '../../src/app/read-denials.js';
import { loadBundledSyscallTables } from '../../src/decode/index.js';
import { fileSource } from '../../src/input/index.js';
import { openDenialStore, StoreError } from '../../src/store/index.js';

async function ingest(db: string, input: string, batchSize: number): Promise<void> {
  const store = openDenialStore(db);
  const now = Date.now();
  const stats = emptyStats();
  const denials = readDenials([fileSource(input)], {
    decode: { tables: loadBundledSyscallTables(), assumedAbi: 'x86_64' },
    filter: {},
    now,
    onInputError: (error) => {
      throw error;
    },
  }, stats);
  await store.ingest(denials, {
    parsedAt: now,
    assumedAbi: 'x86_64',
    batchSize,
    onCommit: (counts) => process.stdout.write(`${JSON.stringify(counts)}\n`),
  });
  store.close();
  process.stdout.write('done\n');
}

function open(db: string, user: number | null): void {
  if (user !== null) {
    // SQLite's native addon is loaded on the first database: load it while the checkout can be read.
    new Database(':memory:').close();
    if (process.setgid === undefined || process.setuid === undefined) throw new Error('open DB UID: this system has no user ids');
    process.setgid(user);
    process.setuid(user);
  }
  try {
    openDenialStore(db).close();
    process.stdout.write(`${JSON.stringify({ ok: true })}\n`);
  } catch (error) {
    if (!(error instanceof StoreError)) throw error;
    process.stdout.write(`${JSON.stringify({ error: error.name, message: error.message })}\n`);
  }
}

const [mode, db, input, batch] = process.argv.slice(2);
if (mode === 'ingest' && db !== undefined && input !== undefined) await ingest(db, input, Number(batch ?? 5_000));
else if (mode === 'open' && db !== undefined) open(db, input === undefined ? null : Number(input));
else {
  process.stderr.write('usage: store-child.js ingest DB INPUT [BATCH] | open DB [UID]\n');
  process.exitCode = 2;
}
