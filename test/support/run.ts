import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { emptyStats, type ExplainStats } from '../../src/analysis/index.js';
import { readDenials } from '../../src/app/read-denials.js';
import type { Denial } from '../../src/decode/index.js';
import { loadBundledSyscallTables } from '../../src/decode/index.js';
import { fileSource, stdinSource, type InputSource } from '../../src/input/index.js';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURES = join(REPO, 'fixtures');
export const CLI = join(REPO, 'dist', 'src', 'cli', 'main.js');

/** A fixed "now" for syslog stamps without a year: the day the fixtures were captured. */
export const FIXTURE_NOW = Date.parse('2026-11-30T00:00:00Z');

/**
 * A maker of temporary directories for one test file (`seccomp-explain-PREFIX-…`), all removed
 * after the file's last test. Call it at the top level of the test file: that is where the
 * removal is registered.
 */
export function temporaryDirectories(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => {
    for (const directory of made) rmSync(directory, { recursive: true, force: true });
  });
  return () => {
    const directory = mkdtempSync(join(tmpdir(), `seccomp-explain-${prefix}-`));
    made.push(directory);
    return directory;
  };
}

/** What of the checkout the built command needs at run time: the modules it loads, its tables. */
const RUNTIME_PARTS = [
  'package.json', 'dist/src', 'syscall-tables', 'node_modules/commander', 'node_modules/bindings', 'node_modules/file-uri-to-path',
  'node_modules/better-sqlite3/package.json', 'node_modules/better-sqlite3/lib', 'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
];

/**
 * A copy of the built command in `directory` (made readable by all) that another user can run:
 * the checkout itself may be in a directory only its owner can enter. Returns its main.js.
 */
export function cliForOtherUsers(directory: string): string {
  chmodSync(directory, 0o755);
  for (const part of RUNTIME_PARTS) {
    mkdirSync(dirname(join(directory, part)), { recursive: true, mode: 0o755 });
    cpSync(join(REPO, part), join(directory, part), { recursive: true });
  }
  return join(directory, 'dist', 'src', 'cli', 'main.js');
}

export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

/** The input file of a format fixture: whatever in its directory is not an expectation. */
export function formatFixtureInput(format: string): string {
  const name = readdirSync(fixture('formats', format)).find((file) => !file.startsWith('expected'));
  if (!name) throw new Error(`no input in fixtures/formats/${format}`);
  return fixture('formats', format, name);
}

/** Every format fixture's input, in name order. */
export function formatFixtureInputs(): string[] {
  return readdirSync(fixture('formats')).sort().map(formatFixtureInput);
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

/** Runs the explain pipeline in-process over files or a text, returning every event once. */
export async function decodeAll(input: string[] | string | Buffer, abi = 'x86_64'): Promise<{ denials: Denial[]; stats: ExplainStats }> {
  const stats = emptyStats();
  const denials: Denial[] = [];
  let sources: InputSource[];
  let stdin: Readable | undefined;
  if (Array.isArray(input)) sources = input.map(fileSource);
  else {
    sources = [stdinSource()];
    stdin = Readable.from([typeof input === 'string' ? Buffer.from(input) : input]);
  }
  const errors: Error[] = [];
  for await (const denial of readDenials(sources, {
    decode: { tables: loadBundledSyscallTables(), assumedAbi: abi },
    filter: {},
    now: FIXTURE_NOW,
    stdin,
    onInputError: (error) => errors.push(error),
  }, stats)) {
    denials.push(denial);
  }
  if (errors.length > 0) throw errors[0];
  return { denials, stats };
}

/** A denial as the store gives it back: the store keeps no record origin (docs/security.md). */
export function asStored(denial: Denial): Denial {
  const { origin: _origin, ...stored } = denial;
  return stored;
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built command line, as a user would, with standard input given or empty. */
export function runCli(args: string[], input: string | Buffer = '', env: Record<string, string> = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    input,
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', TZ: 'UTC', ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}
