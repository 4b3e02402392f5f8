import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { denialLogChunks } from '../bench/generate-denial-log.js';
import type { Denial } from '../src/decode/index.js';
import { DenialBatchBuilder, PackedDenials, type DenialBatch } from '../src/store/sqlite/denial-batch.js';
import { openDenialStore } from '../src/store/index.js';
import { asStored, decodeAll, fixture, FIXTURE_NOW, formatFixtureInputs, REPO, temporaryDirectories } from './support/run.js';

// The writer runs compiled JavaScript on its thread, so this drives the build `npm test` made first.
const { StoreWriterThread, StoreCorruptError, StoreLockedError } = (await import(join(REPO, 'dist', 'src', 'store', 'index.js'))) as typeof import('../src/store/index.js');

const INGEST = { parsedAt: FIXTURE_NOW, assumedAbi: 'x86_64' };

const temporaryDirectory = temporaryDirectories('writer');

function newStorePath(): string {
  return join(temporaryDirectory(), 'denials.db');
}

const FORMAT_INPUTS = formatFixtureInputs();

/** Denials packed as the writer thread's messages carry them. */
function encodeDenialBatch(denials: readonly Denial[]): DenialBatch {
  const builder = new DenialBatchBuilder(denials.length);
  for (const denial of denials) builder.add(denial);
  return builder.take();
}

/** Every denial of a batch, as objects. */
function decodeDenialBatch(batch: DenialBatch): Denial[] {
  const packed = new PackedDenials(batch);
  return Array.from({ length: packed.length }, (_, index) => packed.at(index) as Denial);
}

/** A list cut into batches of `size`, as a reader hands them on. */
function inBatches<T>(items: T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < items.length; start += size) batches.push(items.slice(start, start + size));
  return batches;
}

/** Everything a store holds, for comparing two stores row by row. */
function storeContents(path: string): unknown {
  const db = new Database(path, { readonly: true });
  try {
    return {
      events: db.prepare('SELECT group_id, context_id, time, time_precise, serial, pid, auid, code, signal, compat, ip, keyed_by_id, paired, text FROM event ORDER BY id').all(),
      groups: db.prepare('SELECT key, exe, comm, arch, abi, nr, syscall, action FROM denial_group ORDER BY id').all(),
      contexts: db.prepare('SELECT key, uid, user, host, format, notes, unit FROM event_context ORDER BY id').all(),
      auditIds: db.prepare('SELECT time, serial, host, event_id FROM event_audit_id ORDER BY time, serial, host').all(),
      recordHashes: db.prepare('SELECT second, hex(digest), event_id FROM event_record_hash ORDER BY second, digest').all(),
    };
  } finally {
    db.close();
  }
}

describe('packing denials for the writer thread', () => {
  it('gives back every denial of every fixture form exactly', async () => {
    const denials: Denial[] = [];
    for (const input of FORMAT_INPUTS) denials.push(...(await decodeAll([input])).denials);
    expect(denials.length).toBeGreaterThan(300);
    expect(decodeDenialBatch(encodeDenialBatch(denials))).toEqual(denials.map(asStored));
  });

  it('keeps nulls, empty texts, notes and lines with any character apart', () => {
    const base: Denial = {
      time: null, timePrecise: false, serial: null, host: null, pid: null, comm: null, exe: null, uid: null, user: null, auid: null, ses: null,
      arch: null, abi: null, nr: null, syscall: null, action: 'unknown', code: null, signal: null, compat: null, ip: null,
      format: 'journal-audit', notes: [], text: '',
    };
    const denials: Denial[] = [
      base,
      { ...base, host: '', comm: '', exe: 'null', compat: false, time: 0, serial: 0, pid: 0, nr: -1, notes: [{ code: 'worded', text: 'a "quoted" note' }, { code: 'auditd-named-differently', name: 'ünïcödé' }], text: 'a\u0000b\r\u001b[31m' },
      { ...base, compat: true, time: 8.64e15, serial: Number.MAX_SAFE_INTEGER, uid: 4294967294, text: '\n' },
    ];
    expect(decodeDenialBatch(encodeDenialBatch(denials))).toEqual(denials);
    expect(decodeDenialBatch(encodeDenialBatch([]))).toEqual([]);
  });

  it('makes one denial of a batch at a time, by position, as an array would', () => {
    const denials = [0, 1, 2].map((pid): Denial => ({
      time: 1_000 + pid, timePrecise: true, serial: pid, host: null, pid, comm: 'p', exe: '/p', uid: 0, user: null, auid: null, ses: 3,
      arch: 'c000003e', abi: 'x86_64', nr: 160, syscall: 'setrlimit', action: 'kill_process', code: '0x80000000', signal: 'SIGSYS',
      compat: false, ip: '0x1', format: 'kernel', notes: [], text: `line ${pid}`,
    }));
    const packed = new PackedDenials(encodeDenialBatch(denials));
    expect(packed.length).toBe(3);
    expect([2, 0, 1].map((index) => packed.at(index))).toEqual([denials[2], denials[0], denials[1]]);
    for (const outside of [-1, 3, 0.5]) expect(packed.at(outside)).toBeUndefined();
  });
});

describe('storing on the writer thread', () => {
  it('stores exactly what an ingest on this thread stores, input by input', async () => {
    const here = openDenialStore(newStorePath());
    const thread = await StoreWriterThread.start(newStorePath());
    for (const input of [...FORMAT_INPUTS, FORMAT_INPUTS[0] as string]) {
      const { denials } = await decodeAll([input]);
      const unit = input.includes('journal') ? 'seccomp-trigger.service' : null;
      const expected = await here.ingest(denials, { ...INGEST, unitOf: () => unit });
      expect(await thread.ingest(inBatches(denials, 7), { ...INGEST, unit })).toEqual(expected);
    }
    const [herePath, threadPath] = [here.path, thread.path];
    here.close();
    await thread.close();
    expect(storeContents(threadPath)).toEqual(storeContents(herePath));
  });

  it('commits in batches, telling each commit, and keeps going across many messages', async () => {
    const log = join(temporaryDirectory(), 'denials.log');
    writeFileSync(log, [...denialLogChunks(20_000)].join(''));
    const { denials } = await decodeAll([log]);
    const thread = await StoreWriterThread.start(newStorePath());
    const commits: number[] = [];
    const counts = await thread.ingest(inBatches(denials, 300), { ...INGEST, batchSize: 4_000, onCommit: (committed) => commits.push(committed.added) });
    expect(counts).toEqual({ added: denials.length, known: 0 });
    expect(commits).toEqual([4_000, 8_000, 12_000, 16_000, 20_000, 20_000]);
    expect(await thread.ingest(inBatches(denials, 1_000), INGEST)).toEqual({ added: 0, known: denials.length });
    await thread.close();
  });

  it('throws the store’s own errors: a corrupt file when starting, a lock met while storing', async () => {
    const corrupt = newStorePath();
    writeFileSync(corrupt, 'not a database, but long enough to be taken for one by its size alone. '.repeat(3));
    await expect(StoreWriterThread.start(corrupt)).rejects.toThrow(StoreCorruptError);

    const path = newStorePath();
    const thread = await StoreWriterThread.start(path, { busyTimeoutMs: 100 });
    const holder = new Database(path);
    holder.prepare('BEGIN IMMEDIATE').run();
    const { denials } = await decodeAll([fixture('formats', 'auditd-raw', 'input.log')]);
    try {
      await expect(thread.ingest([denials], INGEST)).rejects.toThrow(StoreLockedError);
    } finally {
      holder.prepare('ROLLBACK').run();
      holder.close();
    }
    await thread.close();
  });

  it('stops the thread when reading the input fails, keeping what was committed', async () => {
    const log = join(temporaryDirectory(), 'denials.log');
    writeFileSync(log, [...denialLogChunks(20_000)].join(''));
    const { denials } = await decodeAll([log]);
    const path = newStorePath();
    const thread = await StoreWriterThread.start(path);
    const reported: number[] = [];
    async function* failingAtTheEnd(): AsyncGenerator<Denial[]> {
      yield* inBatches(denials, 1_000);
      throw new Error('the disk went away');
    }
    // 1 500 a transaction: 20 000 leave 500 that only the end of the input would commit.
    const batchSize = 1_500;
    await expect(thread.ingest(failingAtTheEnd(), { ...INGEST, batchSize, onCommit: (counts) => reported.push(counts.added) }))
      .rejects.toThrow('the disk went away');
    // 9 full messages of 2 048 were sent, at most 4 of them waiting: the thread had taken the
    // 5th, so it had stored the first 4, and their commits were told before.
    expect(reported.length).toBeGreaterThanOrEqual(Math.floor((4 * 2_048) / batchSize));
    await expect(thread.ingest([denials], INGEST)).rejects.toThrow('the disk went away');
    await thread.close();
    const store = new Database(path, { readonly: true });
    const stored = store.prepare('SELECT count(*) FROM event').pluck().get() as number;
    const run = store.prepare('SELECT added, finished_at FROM ingest_run').get() as { added: number; finished_at: number | null };
    store.close();
    // Every commit reported is kept; nothing after the failure is: no partial batch, no end of the run.
    expect(stored).toBeGreaterThanOrEqual(reported.at(-1) as number);
    expect(stored % batchSize).toBe(0);
    expect(stored).toBeLessThan(denials.length);
    expect(run).toEqual({ added: stored, finished_at: null });
  });
});
