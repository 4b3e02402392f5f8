import { compareVersions, systemdKnowsSyscall, type GroupTableSource, type SystemdGroups } from './syscall-groups.js';
import type { UnitAssignment } from './unit-file.js';

/** A line of a unit file: where an assignment was written. */
export interface SourceLine {
  path: string;
  line: number;
}

/**
 * What the replay met that systemd ignores. Data only; `src/render/unit-warnings.ts` words
 * them. Part of `suggest --json` (`warning_codes`).
 */
export type FilterReplayWarning =
  /** A name the group table does not know: systemd drops it. */
  | { code: 'unknown-syscall-ignored'; syscall: string; groupsSource: GroupTableSource }
  /** An `@group` the table does not have: systemd drops it. */
  | { code: 'unknown-group-ignored'; group: string; groupsSource: GroupTableSource }
  /** `name:ERRNO` in an allow list: systemd ignores the word. */
  | { code: 'errno-on-allowed-call'; source: SourceLine; word: string };

export function sourceLine(assignment: UnitAssignment): SourceLine {
  return { path: assignment.path, line: assignment.line };
}

/** What a filter entry does to its call, beyond the list's own action. */
export type EntryAction = { kind: 'plain' } | { kind: 'errno'; errno: string } | { kind: 'kill' };

/** Which assignment put a call where it is, and through which group. */
export interface FilterChange {
  assignment: UnitAssignment;
  /** The `@group` word that brought the call in, or null when it was named itself. */
  via: string | null;
  /** Set when systemd added the call by itself (`@default` of an allow list, v257's `write`). */
  implicit: string | null;
}

export interface SyscallFilterReplay {
  mode: 'unset' | 'allow' | 'deny';
  /** The list: in allow mode the calls allowed (or given an errno), in deny mode the calls denied. */
  entries: Map<string, { action: EntryAction; change: FilterChange }>;
  /** The last change to each call an assignment touched, and whether it added or removed it. */
  lastChange: Map<string, { effect: 'added' | 'removed'; change: FilterChange }>;
  /** The assignment that chose the mode: the first after the last empty reset. */
  modeSetBy: UnitAssignment | null;
  warnings: FilterReplayWarning[];
}

/** How a call fares under the replayed filter. */
export type FilterVerdict =
  | { allowed: true; why: 'no-filter' | 'listed' | 'not-denied' }
  | { allowed: false; why: 'not-listed' | 'denied'; action: EntryAction; change: FilterChange | null };

/** `name`, `name:EPERM`, `name:13`, `name:kill` (the per-entry action, deny entries only). */
function parseWord(word: string): { name: string; action: EntryAction | null } {
  const colon = word.indexOf(':');
  if (colon === -1) return { name: word, action: null };
  const suffix = word.slice(colon + 1);
  return { name: word.slice(0, colon), action: suffix === 'kill' ? { kind: 'kill' } : { kind: 'errno', errno: suffix } };
}

function expandWord(name: string, groups: SystemdGroups, warnings: FilterReplayWarning[]): string[] {
  if (!name.startsWith('@')) {
    // systemd drops a name libseccomp cannot resolve.
    if (!systemdKnowsSyscall(groups, name)) {
      warnings.push({ code: 'unknown-syscall-ignored', syscall: name, groupsSource: groups.source });
      return [];
    }
    return [name];
  }
  const members = groups.expanded.get(name);
  if (!members) {
    warnings.push({ code: 'unknown-group-ignored', group: name, groupsSource: groups.source });
    return [];
  }
  return members;
}

/**
 * Replays every `SystemCallFilter=` assignment in application order, as systemd merges them
 * (load-fragment.c `config_parse_syscall_filter()`; systemd.exec(5), SystemCallFilter=): an empty value
 * resets; the first assignment after that picks allow or deny mode (`~`), and an allow list
 * starts from `@default`; in allow mode a plain word allows and a `~` word removes (or, with
 * `:errno`, stores an errno); in deny mode a `~` word denies and a plain word removes.
 * `systemdVersion` adds what systemd adds at exec time (`write` since v257).
 */
export function replaySyscallFilter(assignments: UnitAssignment[], groups: SystemdGroups, systemdVersion: string | null): SyscallFilterReplay {
  const warnings: FilterReplayWarning[] = [];
  let mode: SyscallFilterReplay['mode'] = 'unset';
  let entries = new Map<string, { action: EntryAction; change: FilterChange }>();
  const lastChange = new Map<string, { effect: 'added' | 'removed'; change: FilterChange }>();
  let modeSetBy: UnitAssignment | null = null;

  for (const assignment of assignments) {
    if (assignment.key !== 'SystemCallFilter') continue;
    let value = assignment.value;
    if (value === '') {
      mode = 'unset';
      entries = new Map();
      modeSetBy = null;
      continue;
    }
    const inverted = value.startsWith('~');
    if (inverted) value = value.slice(1);
    if (mode === 'unset') {
      mode = inverted ? 'deny' : 'allow';
      modeSetBy = assignment;
      if (mode === 'allow') {
        for (const name of expandWord('@default', groups, warnings)) {
          entries.set(name, { action: { kind: 'plain' }, change: { assignment, via: '@default', implicit: '@default' } });
        }
      }
    }
    for (const word of value.split(/\s+/).filter(Boolean)) {
      const { name, action } = parseWord(word);
      if (!inverted && action) {
        warnings.push({ code: 'errno-on-allowed-call', source: sourceLine(assignment), word });
        continue;
      }
      const via = name.startsWith('@') ? name : null;
      const change: FilterChange = { assignment, via, implicit: null };
      const adds = (mode === 'allow' && !inverted) || (mode === 'deny' && inverted) || (mode === 'allow' && inverted && action !== null);
      for (const syscall of expandWord(name, groups, warnings)) {
        if (adds) entries.set(syscall, { action: action ?? { kind: 'plain' }, change });
        else entries.delete(syscall);
        lastChange.set(syscall, { effect: adds ? 'added' : 'removed', change });
      }
    }
  }
  if (mode !== 'unset' && modeSetBy && systemdVersion !== null && compareVersions(systemdVersion, '257') >= 0) {
    // apply_syscall_filter(): the handoff-timestamp fd needs write; allowed, or not denied.
    const change: FilterChange = { assignment: modeSetBy, via: null, implicit: 'write (added by systemd 257+ at exec)' };
    if (mode === 'allow') entries.set('write', { action: { kind: 'plain' }, change });
    else entries.delete('write');
  }
  return { mode, entries, lastChange, modeSetBy, warnings };
}

/** Whether a call is allowed by the replayed filter, and if not, which change made it so. */
export function filterVerdict(replay: SyscallFilterReplay, name: string): FilterVerdict {
  if (replay.mode === 'unset' || (replay.mode === 'deny' && replay.entries.size === 0)) return { allowed: true, why: 'no-filter' };
  const entry = replay.entries.get(name);
  if (replay.mode === 'allow') {
    if (entry && entry.action.kind === 'plain') return { allowed: true, why: 'listed' };
    if (entry) return { allowed: false, why: 'denied', action: entry.action, change: entry.change };
    const last = replay.lastChange.get(name);
    return { allowed: false, why: 'not-listed', action: { kind: 'plain' }, change: last?.effect === 'removed' ? last.change : null };
  }
  if (!entry) return { allowed: true, why: 'not-denied' };
  return { allowed: false, why: 'denied', action: entry.action, change: entry.change };
}

/** Replays `SystemCallArchitectures=`: a union across assignments; empty resets. */
export function replayArchitectures(assignments: UnitAssignment[]): { architectures: Set<string>; assignments: UnitAssignment[] } {
  let architectures = new Set<string>();
  let since: UnitAssignment[] = [];
  for (const assignment of assignments) {
    if (assignment.key !== 'SystemCallArchitectures') continue;
    if (assignment.value === '') {
      architectures = new Set();
      since = [];
      continue;
    }
    for (const word of assignment.value.split(/\s+/).filter(Boolean)) architectures.add(word);
    since.push(assignment);
  }
  return { architectures, assignments: since };
}

/** `SystemCallErrorNumber=`: the last assignment wins; unset, empty and `kill` mean kill. */
export function errorNumber(assignments: UnitAssignment[]): string | null {
  let value: string | null = null;
  for (const assignment of assignments) {
    if (assignment.key === 'SystemCallErrorNumber') value = assignment.value === '' || assignment.value === 'kill' ? null : assignment.value;
  }
  return value;
}
