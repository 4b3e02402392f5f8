import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, closeSync, existsSync, openSync, readdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { denialLogChunks } from '../bench/generate-denial-log.js';
import { DenialAggregator } from '../src/analysis/index.js';
import { loadBundledSyscallTables, type Denial, type DenialNote } from '../src/decode/index.js';
import { describeNote, renderExplanationJson } from '../src/render/index.js';
import {
  CURRENT_SCHEMA_VERSION, DenialStore, StoreCorruptError, StoreForeignError, StoreLockedError, StoreNotFoundError, StoreOpenError,
  StoreReadOnlyError, StoreVersionError, defaultStorePath, openDenialStore, type IngestCounts,
} from '../src/store/index.js';
import { MIGRATIONS, type Migration } from '../src/store/sqlite/migrations.js';
import type { ExpectedEvent } from './support/expected-event.js';
import { asStored, decodeAll, fixture, FIXTURE_NOW, formatFixtureInputs, readJson, REPO, runCli, temporaryDirectories } from './support/run.js';

const CHILD = join(REPO, 'dist', 'test', 'support', 'store-child.js');
const INGEST = { parsedAt: FIXTURE_NOW, assumedAbi: 'x86_64' };

const temporaryDirectory = temporaryDirectories('store');

function newStorePath(): string {
  return join(temporaryDirectory(), 'denials.db');
}

const FORMAT_INPUTS = formatFixtureInputs();

/** What explain makes of denials: the summaries of one DenialAggregator. */
function explainSummaries(denials: Denial[]): ReturnType<DenialAggregator['summaries']> {
  const aggregator = new DenialAggregator();
  for (const denial of denials) aggregator.add(denial);
  return aggregator.summaries();
}

async function ingestFile(store: DenialStore, path: string): Promise<IngestCounts> {
  const { denials } = await decodeAll([path]);
  return store.ingest(denials, INGEST);
}

async function ingestText(store: DenialStore, text: string): Promise<IngestCounts> {
  const { denials } = await decodeAll(text);
  return store.ingest(denials, INGEST);
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function fixtureLines(...parts: string[]): string[] {
  return readFileSync(fixture(...parts), 'utf8').split('\n').filter((line) => line !== '');
}

describe('the default store path', () => {
  const home = '/home/alice';
  it('is under /var/lib for root, whatever XDG_STATE_HOME says', () => {
    expect(defaultStorePath({ uid: 0, env: { XDG_STATE_HOME: '/x' }, home: '/root' })).toBe('/var/lib/seccomp-explain/denials.db');
  });
  it('is under XDG_STATE_HOME when it is an absolute path', () => {
    expect(defaultStorePath({ uid: 1000, env: { XDG_STATE_HOME: '/srv/state' }, home })).toBe('/srv/state/seccomp-explain/denials.db');
  });
  it('is under ~/.local/state when XDG_STATE_HOME is unset, empty or relative', () => {
    for (const value of [undefined, '', 'state']) {
      expect(defaultStorePath({ uid: 1000, env: { XDG_STATE_HOME: value }, home })).toBe('/home/alice/.local/state/seccomp-explain/denials.db');
    }
  });
});

/**
 * Makes a store written by this version look as schema version 2 left it: each context's notes
 * in words (as they are worded today), and the context keyed by those words.
 */
/**
 * Makes a store written by today's schema into the store version 2 kept: the columns later
 * migrations added are dropped, the notes worded, the version set back. (Today's writer cannot
 * write a version-2 store itself: it writes today's columns.)
 */
function makeVersion2Store(raw: Database.Database): void {
  wordNotesAsVersion2Did(raw);
  raw.exec('ALTER TABLE event DROP COLUMN ses; DELETE FROM schema_version WHERE version > 2;');
}

function wordNotesAsVersion2Did(raw: Database.Database): void {
  const part = (text: string): string => `${text.length}:${text}`;
  for (const row of raw.prepare("SELECT id, key, notes FROM event_context WHERE notes <> '[]'").all() as { id: number; key: string; notes: string }[]) {
    const notes = JSON.parse(row.notes) as DenialNote[];
    const words = notes.map(describeNote);
    let key = row.key;
    notes.forEach((note, index) => (key = key.replace(part(JSON.stringify(note)), part(words[index] as string))));
    raw.prepare('UPDATE event_context SET notes = ?, key = ? WHERE id = ?').run(JSON.stringify(words), key, row.id);
  }
}

describe('opening a store', () => {
  it('makes a new store: owner-only file, WAL, current schema', () => {
    const path = newStorePath();
    const store = openDenialStore(path);
    expect(store.schemaVersion()).toBe(CURRENT_SCHEMA_VERSION);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    store.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.pragma('application_id', { simple: true })).toBe(0x53454358);
    raw.close();
  });

  it('makes missing directories only when asked, owner-only', () => {
    const directory = temporaryDirectory();
    const path = join(directory, 'state', 'seccomp-explain', 'denials.db');
    expect(() => openDenialStore(path)).toThrow(StoreOpenError);
    openDenialStore(path, { createDirectory: true }).close();
    expect(statSync(join(directory, 'state', 'seccomp-explain')).mode & 0o777).toBe(0o700);
  });

  it('does not make a store to read from', () => {
    expect(() => openDenialStore(newStorePath(), { readOnly: true })).toThrow(StoreNotFoundError);
  });

  it('refuses a file that is not a SQLite database, and leaves it as it was', () => {
    const directory = temporaryDirectory();
    for (const [name, content] of [['text.db', 'just some text, not a database\n'], ['short.db', 'SQLite format 3\0']] as const) {
      const path = join(directory, name);
      writeFileSync(path, content);
      const before = sha256(path);
      expect(() => openDenialStore(path)).toThrow(StoreCorruptError);
      expect(() => openDenialStore(path, { readOnly: true })).toThrow(StoreCorruptError);
      expect(sha256(path)).toBe(before);
      expect(existsSync(`${path}-wal`)).toBe(false);
    }
  });

  it('reports a store with damaged pages as corrupt, and leaves it as it was', async () => {
    const path = newStorePath();
    const store = openDenialStore(path);
    await ingestFile(store, fixture('formats', 'auditd-realistic', 'audit.log'));
    store.close();
    // Overwrite every page but the first (the header and schema) with garbage.
    const size = statSync(path).size;
    const file = openSync(path, 'r+');
    const garbage = Buffer.alloc(size - 16_384, 0xa5);
    writeSync(file, garbage, 0, garbage.length, 16_384);
    closeSync(file);
    const before = sha256(path);
    expect(() => {
      const damaged = openDenialStore(path, { readOnly: true });
      try {
        damaged.explanation();
      } finally {
        damaged.close();
      }
    }).toThrow(StoreCorruptError);
    expect(() => {
      const damaged = openDenialStore(path);
      try {
        damaged.explanation();
      } finally {
        damaged.close();
      }
    }).toThrow(StoreCorruptError);
    expect(sha256(path)).toBe(before);
  });

  it('leaves another program’s SQLite database alone', () => {
    const path = newStorePath();
    const other = new Database(path);
    other.exec('CREATE TABLE notes (text TEXT)');
    other.close();
    const before = sha256(path);
    expect(() => openDenialStore(path)).toThrow(StoreForeignError);
    expect(sha256(path)).toBe(before);
  });

  it('upgrades an older schema on opening, keeping what it holds', async () => {
    const path = newStorePath();
    const old = openDenialStore(path);
    await ingestFile(old, fixture('formats', 'auditd-raw', 'input.log'));
    const before = old.explanation();
    old.close();
    const later: Migration = { version: CURRENT_SCHEMA_VERSION + 1, description: 'test: a later migration', sql: 'CREATE TABLE later_migration (x INTEGER);' };
    const upgraded = openDenialStore(path, {}, [...MIGRATIONS, later]);
    expect(upgraded.schemaVersion()).toBe(CURRENT_SCHEMA_VERSION + 1);
    expect(upgraded.explanation()).toEqual(before);
    upgraded.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('SELECT version FROM schema_version ORDER BY version').pluck().all()).toEqual([...MIGRATIONS.map((migration) => migration.version), later.version]);
    raw.close();
    // This program's own schema is now older than the file's.
    expect(() => openDenialStore(path)).toThrow(StoreVersionError);
  });

  it('upgrades a store of schema version 1, whose events are then paired as in a new one', async () => {
    const lines = fixtureLines('formats', 'journal-duplicate', 'input.log');
    const journald = `${lines.filter((line) => / audit\[\d+\]: SECCOMP /.test(line)).join('\n')}\n`;
    const kernel = `${lines.filter((line) => / kernel: audit: type=1326 /.test(line)).join('\n')}\n`;
    const path = newStorePath();
    const version1 = MIGRATIONS.filter((migration) => migration.version === 1);
    openDenialStore(path, {}, version1).close();
    const store = openDenialStore(path);
    expect(store.schemaVersion()).toBe(CURRENT_SCHEMA_VERSION);
    const added = (await ingestText(store, kernel)).added;
    expect(await ingestText(store, journald)).toEqual({ added: 0, known: added });
    store.close();
  });

  it('keeps notes as typed values, and upgrades a store that kept them in words, so that rewording a note splits no context', async () => {
    const legacy = fixture('formats', 'old-type-1701', 'input.log');
    const path = newStorePath();
    const version2 = openDenialStore(path);
    const added = (await ingestFile(version2, legacy)).added;
    version2.close();
    const raw = new Database(path);
    const typed = raw.prepare("SELECT id, key, notes FROM event_context WHERE notes <> '[]'").all() as { id: number; key: string; notes: string }[];
    expect(typed.length).toBeGreaterThan(0);
    expect(JSON.parse(typed[0]!.notes)).toEqual([{ code: 'assumed-abi', abi: 'x86_64' }]);
    makeVersion2Store(raw);
    const contexts = raw.prepare('SELECT count(*) FROM event_context').pluck().get();
    raw.close();

    const store = openDenialStore(path);
    expect(store.schemaVersion()).toBe(CURRENT_SCHEMA_VERSION);
    expect(await ingestFile(store, legacy)).toEqual({ added: 0, known: added });
    // Later events of the same processes: new events, in the contexts already stored.
    const later = readFileSync(legacy, 'utf8').replace(/audit\((\d+\.\d+):(\d+)\)/g, 'audit($1:9$2)');
    expect((await ingestText(store, later)).added).toBe(added);
    expect(store.explanation().summaries.flatMap((summary) => summary.notes)).toContainEqual({ code: 'assumed-abi', abi: 'x86_64' });
    store.close();
    const after = new Database(path, { readonly: true });
    expect(after.prepare('SELECT count(*) FROM event_context').pluck().get()).toBe(contexts);
    expect(after.prepare("SELECT key, notes FROM event_context WHERE notes <> '[]'").all()).toEqual(typed.map(({ key, notes }) => ({ key, notes })));
    after.close();
  });

  it('upgrading, makes one context of two that only the wording of their notes told apart', async () => {
    const path = newStorePath();
    const version2 = openDenialStore(path);
    const added = (await ingestFile(version2, fixture('formats', 'old-type-1701', 'input.log'))).added;
    version2.close();
    const raw = new Database(path);
    makeVersion2Store(raw);
    const [first] = raw.prepare("SELECT * FROM event_context WHERE notes <> '[]' ORDER BY id").all() as ({ id: number; key: string } & Record<string, unknown>)[];
    // A second context like the first, under a key of another wording, holding one of its events.
    const copy = raw.prepare('INSERT INTO event_context (key, uid, user, host, format, notes, unit) SELECT ?, uid, user, host, format, notes, unit FROM event_context WHERE id = ?')
      .run(`${first!.key} (older wording)`, first!.id);
    raw.prepare('UPDATE event SET context_id = ? WHERE id = (SELECT min(id) FROM event WHERE context_id = ?)').run(copy.lastInsertRowid, first!.id);
    raw.close();

    const store = openDenialStore(path);
    expect(store.eventCount()).toBe(added);
    store.close();
    const after = new Database(path, { readonly: true });
    expect(after.prepare('SELECT count(*) FROM event_context WHERE id = ?').pluck().get(copy.lastInsertRowid)).toBe(0);
    expect(after.prepare('SELECT count(*) FROM event WHERE context_id NOT IN (SELECT id FROM event_context)').pluck().get()).toBe(0);
    after.close();
  });

  it('does not upgrade a store opened read-only', () => {
    const path = newStorePath();
    openDenialStore(path).close();
    const later: Migration = { version: CURRENT_SCHEMA_VERSION + 1, description: 'test', sql: 'CREATE TABLE later_migration (x INTEGER);' };
    expect(() => openDenialStore(path, { readOnly: true }, [...MIGRATIONS, later])).toThrow(StoreVersionError);
  });
});

describe('a locked or read-only store', () => {
  it('says the store is locked when another process holds the write lock past the timeout', async () => {
    const path = newStorePath();
    openDenialStore(path).close();
    const holder = new Database(path);
    holder.prepare('BEGIN IMMEDIATE').run();
    try {
      const started = Date.now();
      expect(() => openDenialStore(path, { busyTimeoutMs: 200 })).toThrow(StoreLockedError);
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      // Readers do not wait for writers.
      const reader = openDenialStore(path, { readOnly: true });
      expect(reader.eventCount()).toBe(0);
      reader.close();
    } finally {
      holder.prepare('ROLLBACK').run();
      holder.close();
    }
  });

  it('says so when an ingest meets a lock taken after opening', async () => {
    const path = newStorePath();
    const store = openDenialStore(path, { busyTimeoutMs: 100 });
    const holder = new Database(path);
    holder.prepare('BEGIN IMMEDIATE').run();
    try {
      await expect(ingestFile(store, fixture('formats', 'auditd-raw', 'input.log'))).rejects.toThrow(StoreLockedError);
    } finally {
      holder.prepare('ROLLBACK').run();
      holder.close();
    }
    // Nothing was stored, nothing is lost: the same ingest now succeeds.
    expect((await ingestFile(store, fixture('formats', 'auditd-raw', 'input.log'))).added).toBeGreaterThan(0);
    store.close();
  });

  it('refuses to write through a store opened read-only', async () => {
    const path = newStorePath();
    openDenialStore(path).close();
    const store = openDenialStore(path, { readOnly: true });
    await expect(ingestFile(store, fixture('formats', 'auditd-raw', 'input.log'))).rejects.toThrow(StoreReadOnlyError);
    expect(() => store.redecode({ tables: loadBundledSyscallTables() })).toThrow(StoreReadOnlyError);
    store.close();
  });

  it('says the store is read-only when this user may not write it', () => {
    const directory = temporaryDirectory();
    const path = join(directory, 'denials.db');
    openDenialStore(path).close();
    // Root may write any file: then the child becomes nobody, whose own store this is made; it
    // starts as root, so the checkout need not be one nobody can enter.
    const asRoot = process.getuid?.() === 0;
    const nobody = 65534;
    if (asRoot) for (const file of [directory, path]) chownSync(file, nobody, nobody);
    chmodSync(path, 0o444);
    chmodSync(directory, 0o555);
    const result = spawnSync(process.execPath, [CHILD, 'open', path, ...(asRoot ? [String(nobody)] : [])], { encoding: 'utf8' });
    chmodSync(directory, 0o755);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toMatchObject({ error: 'StoreReadOnlyError' });
  });
});

describe('ingesting', () => {
  it('stores each event once: the same file twice, and a different form of the same events', async () => {
    const store = openDenialStore(newStorePath());
    const auditd = fixture('formats', 'auditd-raw', 'input.log');
    const first = await ingestFile(store, auditd);
    expect(first.added).toBeGreaterThan(0);
    expect(first.known).toBe(0);
    expect(await ingestFile(store, auditd)).toEqual({ added: 0, known: first.added });
    // dmesg holds the kernel's own lines of the same events.
    expect((await ingestFile(store, fixture('formats', 'dmesg', 'input.log'))).added).toBe(0);
    expect(store.eventCount()).toBe(first.added);
    store.close();
  });

  it('stores overlapping rotations of a log once, in either order', async () => {
    const lines = fixtureLines('formats', 'auditd-realistic', 'audit.log');
    const third = Math.floor(lines.length / 3);
    const older = `${lines.slice(0, 2 * third).join('\n')}\n`;
    const newer = `${lines.slice(third).join('\n')}\n`;
    const { denials } = await decodeAll([fixture('formats', 'auditd-realistic', 'audit.log')]);
    for (const [first, second] of [[older, newer], [newer, older]] as const) {
      const store = openDenialStore(newStorePath());
      const a = await ingestText(store, first);
      const b = await ingestText(store, second);
      expect(store.eventCount()).toBe(denials.length);
      expect(a.added + b.added).toBe(denials.length);
      expect(b.known).toBeGreaterThan(0);
      expect(b.added + b.known).toBe((await decodeAll(second)).denials.length);
      store.close();
    }
  });

  it('matches journald’s copies without a serial to the kernel’s lines across ingests, either first', async () => {
    const lines = fixtureLines('formats', 'journal-duplicate', 'input.log');
    const journald = `${lines.filter((line) => / audit\[\d+\]: SECCOMP /.test(line)).join('\n')}\n`;
    const kernel = `${lines.filter((line) => / kernel: audit: type=1326 /.test(line)).join('\n')}\n`;
    const { denials } = await decodeAll([fixture('formats', 'journal-duplicate', 'input.log')]);
    for (const [first, second] of [[journald, kernel], [kernel, journald]] as const) {
      const store = openDenialStore(newStorePath());
      expect((await ingestText(store, first)).added).toBe(denials.length);
      expect(await ingestText(store, second)).toEqual({ added: 0, known: denials.length });
      // Read again, in either form, they are known by the keys stored for them.
      expect(await ingestText(store, first)).toEqual({ added: 0, known: denials.length });
      expect(await ingestText(store, second)).toEqual({ added: 0, known: denials.length });
      // What is kept of an event is its first sighting, as in explain.
      expect(store.explanation().summaries).toEqual(explainSummaries((await decodeAll(first)).denials));
      store.close();
    }
  });

  it('keeps identical records without a serial apart within an input, and knows them when read again', async () => {
    const line = fixtureLines('formats', 'journal-audit-short', 'input.log').find((text) => text.includes('SECCOMP'));
    if (line === undefined) throw new Error('no journald audit line in the fixture');
    const store = openDenialStore(newStorePath());
    const three = `${line}\n${line}\n${line}\n`;
    expect(await ingestText(store, three)).toEqual({ added: 3, known: 0 });
    expect(await ingestText(store, three)).toEqual({ added: 0, known: 3 });
    // A later rotation with two more of them: two new events.
    expect(await ingestText(store, `${three}${line}\n${line}\n`)).toEqual({ added: 2, known: 3 });
    expect(store.eventCount()).toBe(5);
    store.close();
  });

  it('keeps equal audit ids from two hosts apart, and matches one that names no host to either', async () => {
    const line = fixtureLines('formats', 'auditd-raw', 'input.log').find((text) => text.startsWith('type=SECCOMP'));
    if (line === undefined) throw new Error('no SECCOMP line in the fixture');
    const store = openDenialStore(newStorePath());
    expect(await ingestText(store, `node=web1 ${line}\nnode=web2 ${line}\n`)).toEqual({ added: 2, known: 0 });
    expect(await ingestText(store, `${line}\n`)).toEqual({ added: 0, known: 1 });
    expect(store.explanation({ host: 'web2' }).summaries[0]?.count).toBe(1);
    store.close();
  });

  it('refuses a batch size that is not a count, before it stores anything', async () => {
    const store = openDenialStore(newStorePath());
    const { denials } = await decodeAll([fixture('formats', 'auditd-raw', 'input.log')]);
    for (const batchSize of [0, -1, 2.5, Number.NaN]) {
      await expect(store.ingest(denials, { ...INGEST, batchSize })).rejects.toThrow(RangeError);
    }
    expect(store.eventCount()).toBe(0);
    expect(await store.ingest(denials, { ...INGEST, batchSize: 1 })).toEqual({ added: denials.length, known: 0 });
    store.close();
  });

  it('commits a quiet source’s denials without waiting for the batch to fill', async () => {
    const store = openDenialStore(newStorePath());
    const { denials } = await decodeAll([fixture('formats', 'auditd-raw', 'input.log')]);
    const commits: IngestCounts[] = [];
    let release: () => void = () => undefined;
    const quiet = new Promise<void>((resolve) => (release = resolve));
    async function* trickle(): AsyncGenerator<Denial> {
      yield denials[0] as Denial;
      await quiet; // Nothing more for a while, as when following a log.
      yield* denials.slice(1);
    }
    const ingest = store.ingest(trickle(), { ...INGEST, maxBatchDelayMs: 20, onCommit: (counts) => commits.push(counts) });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(commits).toEqual([{ added: 1, known: 0 }]);
    const reader = openDenialStore(store.path, { readOnly: true });
    expect(reader.eventCount()).toBe(1);
    reader.close();
    release();
    expect(await ingest).toEqual({ added: denials.length, known: 0 });
    store.close();
  });
});

describe('report from the store', () => {
  /**
   * Every format fixture holds one of two sets of events the kernel wrote (23 and 8), each
   * form a different log of them (docs/fixtures.md). Ingested one file at a time, each event
   * is stored once, as first read: from the first file of each set.
   */
  const FIRST_OF_EACH_SET = [fixture('formats', 'auditd-enriched', 'input.log'), fixture('formats', 'auditd-realistic', 'audit.log')];

  it('stores every event of every fixture form once, and summarises it exactly as explain does', async () => {
    const expected = new Set<string>();
    for (const format of readdirSync(fixture('formats'))) {
      for (const event of readJson<ExpectedEvent[]>(fixture('formats', format, 'expected.json'))) expected.add(`${event.time} ${event.serial}`);
    }
    const store = openDenialStore(newStorePath());
    let added = 0;
    for (const input of FORMAT_INPUTS) added += (await ingestFile(store, input)).added;
    expect(added).toBe(expected.size);
    const { denials } = await decodeAll(FIRST_OF_EACH_SET);
    expect(denials.length).toBe(expected.size);
    const stored = store.explanation();
    expect(stored.summaries).toEqual(explainSummaries(denials));
    expect(stored.stats).toEqual({ lines: 0, records: denials.length, duplicates: 0, filtered: 0, malformed: 0, overflow: 0 });
    // `report --json` is explain's document: the same denials, counts of stored events.
    const report = JSON.parse(renderExplanationJson(stored.summaries, stored.stats)) as object;
    const explain = JSON.parse(renderExplanationJson(explainSummaries(denials), stored.stats)) as object;
    expect(report).toEqual(explain);
    expect([...store.denials()]).toEqual(denials.map((denial) => ({ ...asStored(denial), unit: null })));
    store.close();
  });

  it('is what explain says of the same log', async () => {
    const store = openDenialStore(newStorePath());
    const input = fixture('formats', 'mixed', 'input.log');
    await ingestFile(store, input);
    const explain = runCli(['explain', '--json', input]);
    expect(explain.status).toBe(0);
    const stored = store.explanation();
    const fromExplain = JSON.parse(explain.stdout) as { denials: unknown[]; stats: { records: number; duplicates: number } };
    const fromReport = JSON.parse(renderExplanationJson(stored.summaries, stored.stats)) as { denials: unknown[]; stats: { records: number } };
    expect(fromReport.denials).toEqual(fromExplain.denials);
    expect(fromReport.stats.records).toBe(fromExplain.stats.records - fromExplain.stats.duplicates);
    store.close();
  });

  it('filters by time, program, host and unit as explain’s filters do', async () => {
    const store = openDenialStore(newStorePath());
    const inputs = [fixture('formats', 'journal-short', 'input.log'), fixture('formats', 'auditd-realistic', 'audit.log')];
    const { denials } = await decodeAll(inputs);
    const unitOf = (denial: Denial): string | null => (denial.exe?.includes('trigger') ? 'seccomp-trigger.service' : null);
    for (const input of inputs) {
      const decoded = await decodeAll([input]);
      await store.ingest(decoded.denials, { ...INGEST, unitOf });
    }
    const times = denials.map((denial) => denial.time as number).sort((a, b) => a - b);
    const since = times[2] as number;
    const until = times[times.length - 3] as number;
    const expectWith = (filter: Parameters<DenialStore['explanation']>[0], keep: (denial: Denial) => boolean): void => {
      const kept = denials.filter(keep);
      const stored = store.explanation(filter);
      expect(stored.summaries).toEqual(explainSummaries(kept));
      expect(stored.stats.filtered).toBe(denials.length - kept.length);
      expect([...store.denials(filter)].length).toBe(kept.length);
    };
    expectWith({ since, until }, (denial) => denial.time !== null && denial.time >= since && denial.time <= until);
    const exe = denials[0]?.exe as string;
    expectWith({ exe }, (denial) => denial.exe === exe);
    expectWith({ exe: '*/seccomp-trig?er' }, (denial) => /\/seccomp-trig.er$/.test(denial.exe ?? ''));
    expectWith({ exe: '[' }, () => false);
    const host = denials.find((denial) => denial.host !== null)?.host as string;
    expectWith({ host }, (denial) => denial.host === host);
    expectWith({ unit: 'seccomp-trigger.service' }, (denial) => unitOf(denial) !== null);
    expectWith({ unit: '*.service', host }, (denial) => unitOf(denial) !== null && denial.host === host);
    store.close();
  });

  it('adds a unit learnt later to an event stored without one', async () => {
    const store = openDenialStore(newStorePath());
    const input = fixture('formats', 'auditd-raw', 'input.log');
    await ingestFile(store, input);
    expect(store.explanation({ unit: 'x.service' }).summaries).toEqual([]);
    const { denials } = await decodeAll([input]);
    expect(await store.ingest(denials, { ...INGEST, unitOf: () => 'x.service' })).toEqual({ added: 0, known: denials.length });
    expect(store.explanation({ unit: 'x.service' }).summaries).toEqual(explainSummaries(denials));
    store.close();
  });
});

describe('decoding stored history again', () => {
  it('reads the raw text with the ingest’s own "now" and ABI, and stores what a better decoder makes of it', async () => {
    const store = openDenialStore(newStorePath());
    const inputs = [fixture('formats', 'journal-short', 'input.log'), fixture('formats', 'old-type-1701', 'input.log')];
    const { denials } = await decodeAll(inputs);
    // An older decoder: no syscall names, no notes.
    const older = denials.map((denial) => ({ ...denial, syscall: null, abi: null, notes: [] }));
    await store.ingest(older, INGEST);
    expect(store.explanation().summaries).not.toEqual(explainSummaries(denials));
    expect(store.redecode({ tables: loadBundledSyscallTables(), batchSize: 3 })).toEqual({ events: denials.length, changed: denials.length, unreadable: 0 });
    expect(store.explanation().summaries).toEqual(explainSummaries(denials));
    expect([...store.denials()]).toEqual(denials.map((denial) => ({ ...asStored(denial), unit: null })));
    expect(store.redecode({ tables: loadBundledSyscallTables() })).toEqual({ events: denials.length, changed: 0, unreadable: 0 });
    // The keys stay: the same input is still known.
    expect(await store.ingest(denials, INGEST)).toEqual({ added: 0, known: denials.length });
    store.close();
  });
});

function writeDenialLog(path: string, events: number): void {
  const file = openSync(path, 'w');
  for (const chunk of denialLogChunks(events)) writeSync(file, chunk);
  closeSync(file);
}

/** Runs the child's ingest to its end; the counts it reported last. */
function ingestInChild(path: string, input: string, batchSize: number): Promise<IngestCounts> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, 'ingest', path, input, String(batchSize)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.on('exit', (code) => {
      const lines = stdout.trim().split('\n');
      if (code !== 0 || lines.pop() !== 'done') reject(new Error(`the ingest child failed (${code}): ${stdout}`));
      else resolve(JSON.parse(lines.pop() ?? '{"added":0,"known":0}') as IngestCounts);
    });
  });
}

/** A new directory with an auditd log of `events` denials, and the path of a store beside it, for ingests in child processes. */
function logForChildIngests(events: number): { input: string; path: string } {
  if (!existsSync(CHILD)) throw new Error(`${CHILD} is missing: run npm run build first`);
  const directory = temporaryDirectory();
  const input = join(directory, 'audit.log');
  writeDenialLog(input, events);
  return { input, path: join(directory, 'denials.db') };
}

/** Opens the store in a child process; what it printed ({"ok":true} or the error). */
function openInChild(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, 'open', path], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(output.trim()));
  });
}

describe('a new store opened while another process reads it', () => {
  // Turning a new file into a WAL store needs it to itself, and SQLite does not wait for that:
  // a second process opening the same new store at that moment must wait, not fail.
  it('waits until the reader is done, and opens it', async () => {
    const path = join(temporaryDirectory(), 'denials.db');
    writeFileSync(path, '', { mode: 0o600 });
    const reader = new Database(path);
    reader.exec('BEGIN');
    reader.prepare('SELECT count(*) FROM sqlite_master').get();
    const opened = openInChild(path);
    await new Promise((resolve) => setTimeout(resolve, 400));
    reader.exec('COMMIT');
    reader.close();
    expect(await opened).toBe('{"ok":true}');
  });

  it('many processes opening one new store at once all open it, none is told it is locked', async () => {
    for (let round = 0; round < 6; round++) {
      const path = join(temporaryDirectory(), 'denials.db');
      const outputs = await Promise.all(Array.from({ length: 12 }, () => openInChild(path)));
      expect(outputs).toEqual(Array.from({ length: 12 }, () => '{"ok":true}'));
    }
  }, 60_000);
});

describe('two processes ingesting at once', () => {
  it('take turns per batch and store each event once', async () => {
    const events = 30_000;
    const { input, path } = logForChildIngests(events);
    const [a, b] = await Promise.all([ingestInChild(path, input, 1_000), ingestInChild(path, input, 1_000)]);
    expect((a?.added ?? 0) + (b?.added ?? 0)).toBe(events);
    expect((a?.known ?? 0) + (b?.known ?? 0)).toBe(events);
    const store = openDenialStore(path, { readOnly: true });
    expect(store.eventCount()).toBe(events);
    store.close();
  });
});

describe('a crash in the middle of an ingest', () => {
  it('loses nothing reported, leaves a store that opens, and a second ingest ends with one row per event', async () => {
    const events = 200_000;
    const { input, path } = logForChildIngests(events);

    const child = spawn(process.execPath, [CHILD, 'ingest', path, input, '2000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const reported: IngestCounts[] = [];
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let buffered = '';
    const killed = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'done') continue;
        reported.push(JSON.parse(line) as IngestCounts);
        // In the middle: a few batches are in, most are still to come.
        if (reported.length === 5) child.kill('SIGKILL');
      }
    });
    expect(await killed).toBe('SIGKILL');
    expect(stderr).toBe('');
    const lastReported = reported[reported.length - 1]?.added ?? 0;
    expect(lastReported).toBeGreaterThanOrEqual(10_000);
    expect(lastReported).toBeLessThan(events);

    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    raw.close();
    const store = openDenialStore(path);
    const survived = store.eventCount();
    expect(survived).toBeGreaterThanOrEqual(lastReported);
    expect(survived).toBeLessThan(events);

    const again = await ingestFile(store, input);
    expect(again).toEqual({ added: events - survived, known: survived });
    expect(store.eventCount()).toBe(events);
    store.close();
    const check = new Database(path, { readonly: true });
    expect(check.prepare('SELECT count(*) FROM event_audit_id').pluck().get()).toBe(events);
    expect(check.prepare('SELECT count(*) FROM (SELECT 1 FROM event GROUP BY text HAVING count(*) > 1)').pluck().get()).toBe(0);
    check.close();
  });
});
