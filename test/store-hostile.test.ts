import { chmodSync, chownSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { fixture, runCli, temporaryDirectories, type CliResult } from './support/run.js';

const scratch = temporaryDirectories('store-hostile');

const MIXED = fixture('formats', 'mixed', 'input.log');
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** One line on stderr, saying what is wrong, and exit 2: what the README promises for a store the user must act on. */
function expectRefused(result: CliResult, reason: RegExp): void {
  expect(result.status).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr).toMatch(/^seccomp-explain: [^\n]*\n$/);
  expect(result.stderr).toMatch(reason);
}

function storeWith(damage: string): string {
  const db = join(scratch(), 'denials.db');
  expect(runCli(['ingest', '--db', db, MIXED]).status).toBe(0);
  const raw = new Database(db);
  raw.exec(damage);
  raw.close();
  return db;
}

describe('a store whose rows were damaged', () => {
  for (const [what, damage] of [
    ['notes that are not JSON', "UPDATE event_context SET notes = 'not json'"],
    ['notes that are not a list of texts', "UPDATE event_context SET notes = '{\"a\":1}'"],
    ['an event of a missing group', 'UPDATE event SET group_id = 999'],
    ['an event of a missing context', 'UPDATE event SET context_id = 999'],
    ['a time that is not a number', "UPDATE event SET time = 'noon'"],
    ['a pid that is not a number', "UPDATE event SET pid = 'abc'"],
  ] as const) {
    it(`is reported as damaged, exit 2: ${what}`, () => {
      const db = storeWith(damage);
      for (const command of [['report'], ['report', '--json'], ['--from-db']]) {
        expectRefused(runCli([...command, '--db', db]), /the store is damaged \(.*\); it was left untouched/);
      }
    });
  }
});

describe('a store file that is not the user’s own', () => {
  it.runIf(asRoot)('refuses an empty file another user owns, even writable by all, and leaves it as it was', () => {
    const directory = scratch();
    const db = join(directory, 'denials.db');
    writeFileSync(db, '');
    chownSync(db, NOBODY, NOBODY);
    chmodSync(db, 0o666);
    expectRefused(runCli(['ingest', '--db', db, MIXED]), /belongs to uid 65534, not to this user/);
    expectRefused(runCli(['report', '--db', db]), /belongs to uid 65534/);
    const status = statSync(db);
    expect([status.size, status.mode & 0o777, status.uid]).toEqual([0, 0o666, NOBODY]);
    expect(existsSync(`${db}-wal`)).toBe(false);
  });

  it.runIf(asRoot)('refuses a store another user owns, and its -wal when another user’s', () => {
    const directory = scratch();
    const db = join(directory, 'denials.db');
    expect(runCli(['ingest', '--db', db, MIXED]).status).toBe(0);
    writeFileSync(`${db}-wal`, '');
    chownSync(`${db}-wal`, NOBODY, NOBODY);
    expectRefused(runCli(['report', '--db', db]), /denials\.db-wal: belongs to uid 65534/);
    chownSync(`${db}-wal`, 0, 0);
    chownSync(db, NOBODY, NOBODY);
    expectRefused(runCli(['ingest', '--db', db, MIXED]), /denials\.db: belongs to uid 65534/);
  });

  it('refuses a store group or others may write, even the user’s own', () => {
    const db = join(scratch(), 'denials.db');
    expect(runCli(['ingest', '--db', db, MIXED]).status).toBe(0);
    const before = readFileSync(db);
    for (const mode of [0o666, 0o620, 0o602]) {
      chmodSync(db, mode);
      expectRefused(runCli(['ingest', '--db', db, MIXED]), /group or others may write it \(mode 06\d\d\)/);
      expectRefused(runCli(['report', '--db', db]), /group or others may write it/);
    }
    expect(readFileSync(db).equals(before)).toBe(true);
    chmodSync(db, 0o600);
    expect(runCli(['report', '--db', db]).status).toBe(0);
  });

  it('makes a new store only in a directory no one else may write', () => {
    const directory = scratch();
    chmodSync(directory, 0o777);
    const db = join(directory, 'denials.db');
    expectRefused(runCli(['ingest', '--db', db, MIXED]), /group or others may write the directory .* \(mode 0777\)/);
    expect(existsSync(db)).toBe(false);
    // A sticky directory of the user's own (as /tmp is root's): no one else may replace the store in it.
    chmodSync(directory, 0o1777);
    expect(runCli(['ingest', '--db', db, MIXED]).status).toBe(0);
    expect(statSync(db).mode & 0o777).toBe(0o600);
  });

  it.runIf(asRoot)('makes a new store only in a directory of the user’s own', () => {
    const directory = scratch();
    chownSync(directory, NOBODY, NOBODY);
    const db = join(directory, 'denials.db');
    expectRefused(runCli(['ingest', '--db', db, MIXED]), /the directory .* belongs to uid 65534, not to this user/);
    expect(existsSync(db)).toBe(false);
  });
});
