import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';

/** Why a bundled table was chosen. */
export type BundledTableChoice =
  /** The newest table at or below `--systemd-version asked`. */
  | { code: 'systemd-version'; asked: string }
  /** `--systemd-version asked` is older than every table: the oldest was taken. */
  | { code: 'older-than-every-table'; asked: string }
  /** Nothing told which systemd the unit runs under: the newest table. */
  | { code: 'newest' };

/**
 * Where a group table came from: printed with every result that used it. Data only;
 * `src/render/group-table-source.ts` words it. Part of the JSON of `groups` and `suggest`.
 */
export type GroupTableSource =
  | { code: 'bundled'; version: string; chosenBy: BundledTableChoice }
  /** This host's own `systemd-analyze syscall-filter`, of systemd `version` when `systemctl --version` said. */
  | { code: 'host-systemd-analyze'; version: string | null }
  /** A saved `systemd-analyze syscall-filter` output (`--systemd-groups`). */
  | { code: 'file'; path: string };

/** systemd's syscall groups (`@system-service`, `@resources`, …) as one systemd version has them. */
export interface SystemdGroups {
  /** The systemd version the table is of, or null when unknown (a saved `systemd-analyze`). */
  version: string | null;
  /** Where the table came from. */
  source: GroupTableSource;
  /** Each group's members, fully expanded, sorted. */
  expanded: Map<string, string[]>;
  /** Each group's members as written, with nested `@group` references. */
  nested: Map<string, string[]>;
}

interface BundledGroupsFile {
  systemd: string;
  source: string;
  groups: Record<string, { description: string; members: string[] }>;
  expanded: Record<string, string[]>;
}

interface BundledIndex {
  versions: { systemd: string; file: string }[];
}

/**
 * Compares versions part by part (`.`, `~`, `+`, `-` separate parts): numbers numerically, other
 * parts as text, a version that runs out of parts first as the lower (252 < 252.39 < 254.5 < 262).
 */
/** The version `systemctl --version` names on its first line (`systemd 252 (252.39-1~deb12u2)`), or null. */
export function systemdVersionOf(text: string): string | null {
  return /^systemd (\d+(?:\.\d+)?)/.exec(text)?.[1] ?? null;
}

export function compareVersions(a: string, b: string): number {
  const left = a.split(/[.~+-]/);
  const right = b.split(/[.~+-]/);
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const x = left[index];
    const y = right[index];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (/^\d+$/.test(x) && /^\d+$/.test(y)) {
      if (Number(x) !== Number(y)) return Number(x) - Number(y);
    } else if (x !== y) {
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

function groupsDirectory(): string {
  return join(packageRoot(), 'syscall-tables', 'systemd');
}

/** The versions of the bundled tables, oldest first. */
export function bundledGroupVersions(): string[] {
  const index = JSON.parse(readFileSync(join(groupsDirectory(), 'index.json'), 'utf8')) as BundledIndex;
  return index.versions.map((entry) => entry.systemd).sort(compareVersions);
}

function loadBundled(version: string, chosenBy: BundledTableChoice): SystemdGroups {
  const data = JSON.parse(readFileSync(join(groupsDirectory(), `${version}.json`), 'utf8')) as BundledGroupsFile;
  return {
    version: data.systemd,
    source: { code: 'bundled', version: data.systemd, chosenBy },
    expanded: new Map(Object.entries(data.expanded)),
    nested: new Map(Object.entries(data.groups).map(([name, group]) => [name, group.members])),
  };
}

/**
 * The bundled table for a systemd version: the newest at or below it. A version older than
 * every table gets the oldest, and says so.
 */
export function bundledGroupsFor(version: string): SystemdGroups {
  const versions = bundledGroupVersions();
  // A bare major version (`252`) means the whole series: 252.39 is "at" 252.
  const major = version.includes('.') ? null : version;
  const atOrBelow = versions.filter((candidate) => compareVersions(candidate, version) <= 0 || candidate.split('.')[0] === major);
  const chosen = atOrBelow[atOrBelow.length - 1];
  if (chosen) return loadBundled(chosen, { code: 'systemd-version', asked: version });
  const oldest = versions[0] as string;
  return loadBundled(oldest, { code: 'older-than-every-table', asked: version });
}

/** The newest bundled table, for when nothing tells which systemd the unit runs under. */
export function newestBundledGroups(): SystemdGroups {
  const versions = bundledGroupVersions();
  return loadBundled(versions[versions.length - 1] as string, { code: 'newest' });
}

/** A text that holds no syscall group: not `systemd-analyze syscall-filter` output. */
export class NoSyscallGroups extends Error {
  override name = 'NoSyscallGroups';

  constructor(readonly source: GroupTableSource) {
    super('no syscall groups found (expected systemd-analyze syscall-filter output)');
  }
}

/**
 * Reads `systemd-analyze syscall-filter` output: `@group` lines, `# description` lines, and
 * indented members, which may be nested `@group` references. Sections after the group list
 * (`# Unlisted system calls …`) are ignored.
 */
export function parseSystemdAnalyzeGroups(text: string, source: GroupTableSource): SystemdGroups {
  const nested = new Map<string, string[]>();
  let current: string[] | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trimEnd();
    const header = /^(@[a-z0-9-]+)$/.exec(line);
    if (header) {
      current = [];
      nested.set(header[1] as string, current);
      continue;
    }
    if (/^\S/.test(line)) {
      current = null;
      continue;
    }
    const member = line.trim();
    if (current === null || member === '' || member.startsWith('#')) continue;
    current.push(member);
  }
  if (nested.size === 0) throw new NoSyscallGroups(source);
  return { version: null, source, nested, expanded: expandGroups(nested) };
}

/** Expands nested group references, recursively; members sorted and without duplicates. */
export function expandGroups(nested: Map<string, string[]>): Map<string, string[]> {
  const expanded = new Map<string, string[]>();
  const expand = (group: string, seen: Set<string>): string[] => {
    const done = expanded.get(group);
    if (done) return done;
    const names = new Set<string>();
    for (const member of nested.get(group) ?? []) {
      if (!member.startsWith('@')) names.add(member);
      else if (!seen.has(member)) for (const name of expand(member, new Set([...seen, member]))) names.add(name);
    }
    const sorted = [...names].sort();
    expanded.set(group, sorted);
    return sorted;
  };
  for (const group of nested.keys()) expand(group, new Set([group]));
  return expanded;
}

const knownNamesCache = new WeakMap<SystemdGroups, Set<string>>();

/**
 * Whether this systemd's tables name the call anywhere (`@known` or any group). systemd
 * resolves names through libseccomp, whose list it keeps in step with; a name no table of a
 * systemd names is one that systemd and the libseccomp of its day cannot allow by name.
 */
export function systemdKnowsSyscall(groups: SystemdGroups, name: string): boolean {
  let known = knownNamesCache.get(groups);
  if (!known) {
    known = new Set([...groups.expanded.values()].flat());
    knownNamesCache.set(groups, known);
  }
  return known.has(name);
}
