import type { UnitExitRecord } from '../records/index.js';
import { isValidUnitName } from './unit-name.js';

/** A program a denial came from, as the identification needs it. */
export interface DeniedProcess {
  time: number | null;
  host: string | null;
  pid: number | null;
  exe: string | null;
  syscall: string | null;
  /** Whether the action killed it (only then does systemd log an exit). */
  killed: boolean;
}

/** A unit's `ExecStart=` program, from the unit files of a root or the live host. */
export interface ExecStartEntry {
  unit: string;
  /** The program's path, symbolic links resolved. */
  path: string;
  /** `file:line` of the ExecStart= line. */
  source: string;
}

export type UnitIdentification =
  | { kind: 'found'; unit: string; howFound: string; exes: string[] }
  | { kind: 'ambiguous'; candidates: { unit: string; howFound: string }[] }
  | { kind: 'none' };

/**
 * How far apart a kill and systemd's exit message may be. The exit message follows within
 * milliseconds, but text stamps hold whole seconds: the message's stamp can read up to a
 * second before the audit time.
 */
const EXIT_WINDOW_MS = 2_000;

function sameHost(a: string | null, b: string | null): boolean {
  return a === null || b === null || a === b;
}

function describeKill(process: DeniedProcess): string {
  return `${process.exe ?? 'a process'}${process.syscall ? ` (denied ${process.syscall})` : ''}`;
}

function fromJournal(process: DeniedProcess, exits: UnitExitRecord[]): { unit: string; howFound: string } | null {
  if (!process.killed) return null;
  if (process.pid !== null) {
    const core = exits.find((exit) => exit.source === 'coredump' && exit.pid === process.pid && sameHost(exit.host, process.host));
    if (core) return { unit: core.unit, howFound: `from the journal: systemd-coredump names ${core.unit} for pid ${core.pid ?? '?'}, killed in ${describeKill(process)}` };
  }
  if (process.time === null) return null;
  let nearest: UnitExitRecord | null = null;
  for (const exit of exits) {
    if (exit.source !== 'exit-message' || exit.time === null || !sameHost(exit.host, process.host)) continue;
    const distance = Math.abs(exit.time - process.time);
    if (distance <= EXIT_WINDOW_MS && (nearest === null || distance < Math.abs((nearest.time as number) - process.time))) nearest = exit;
  }
  if (!nearest) return null;
  return { unit: nearest.unit, howFound: `from the journal: systemd logged "${nearest.message}" as ${describeKill(process)} was killed` };
}

function fromExecStart(process: DeniedProcess, execStarts: ExecStartEntry[]): { unit: string; howFound: string }[] {
  if (process.exe === null) return [];
  return execStarts.filter((entry) => entry.path === process.exe)
    .map((entry) => ({ unit: entry.unit, howFound: `from ExecStart= at ${entry.source}, which runs ${entry.path}` }));
}

/**
 * Finds the unit the denied processes belong to (docs/systemd-model.md): a systemd-coredump
 * entry with the killed pid, else PID 1's SIGSYS exit message within two seconds of the kill,
 * else a unit whose ExecStart= runs the program. One unit found is the answer; several are
 * listed for the user to choose.
 */
export function identifyUnit(processes: DeniedProcess[], exits: UnitExitRecord[], execStarts: ExecStartEntry[]): UnitIdentification {
  const validExits = exits.filter((exit) => isValidUnitName(exit.unit));
  const found = new Map<string, { howFound: string; exes: Set<string> }>();
  const note = (unit: string, howFound: string, exe: string | null): void => {
    const entry = found.get(unit) ?? { howFound, exes: new Set<string>() };
    if (exe !== null) entry.exes.add(exe);
    found.set(unit, entry);
  };
  const unmatched: DeniedProcess[] = [];
  for (const process of processes) {
    const match = fromJournal(process, validExits);
    if (match) note(match.unit, match.howFound, process.exe);
    else unmatched.push(process);
  }
  const matchedExes = new Set([...found.values()].flatMap((entry) => [...entry.exes]));
  for (const process of unmatched) {
    if (process.exe !== null && matchedExes.has(process.exe)) continue;
    for (const match of fromExecStart(process, execStarts)) note(match.unit, match.howFound, process.exe);
  }
  if (found.size === 0) return { kind: 'none' };
  const entries = [...found.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  if (entries.length > 1) return { kind: 'ambiguous', candidates: entries.map(([unit, entry]) => ({ unit, howFound: entry.howFound })) };
  const [unit, entry] = entries[0] as [string, { howFound: string; exes: Set<string> }];
  return { kind: 'found', unit, howFound: entry.howFound, exes: [...entry.exes].sort() };
}

/** Why a program's denials are taken for the named unit's. */
export type UnitTie =
  /** systemd-coredump or PID 1's SIGSYS exit message names the unit for one of the program's kills. */
  | { code: 'journal'; howFound: string }
  /** The unit's `ExecStart=` runs the program. */
  | { code: 'exec-start'; source: string };

/**
 * The programs of the denied processes that the log or the unit's own configuration ties to the
 * named `unit` (docs/systemd-model.md): a kill that systemd-coredump or PID 1's exit message names
 * the unit for, or a program its `ExecStart=` runs (`execStarts`, the unit's own entries, paths
 * resolved as far as they can be). Keyed by the program's path.
 */
export function programsOfUnit(unit: string, processes: DeniedProcess[], exits: UnitExitRecord[], execStarts: ExecStartEntry[]): Map<string, UnitTie> {
  const validExits = exits.filter((exit) => isValidUnitName(exit.unit));
  const tied = new Map<string, UnitTie>();
  for (const process of processes) {
    if (process.exe === null || tied.has(process.exe)) continue;
    // The entry nearest the kill names its unit: another unit's exit a moment later ties nothing here.
    const match = fromJournal(process, validExits);
    if (match?.unit === unit) tied.set(process.exe, { code: 'journal', howFound: match.howFound });
  }
  for (const entry of execStarts) {
    if (entry.unit === unit && !tied.has(entry.path)) tied.set(entry.path, { code: 'exec-start', source: entry.source });
  }
  return tied;
}
