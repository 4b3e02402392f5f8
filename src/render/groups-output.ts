import type { MembershipChange, SystemdGroups } from '../systemd/index.js';
import { describeGroupTableSource } from './group-table-source.js';
import { escapeForTerminal } from './terminal-text.js';

/** `groups`: the table chosen and the groups asked for. */
export interface GroupListing {
  groups: SystemdGroups;
  names: string[];
}

/** `lookup`: one call on every ABI, and its groups in each table. */
export interface SyscallLookup {
  name: string;
  /** The call's number on each ABI that has it. */
  numbers: Record<string, number>;
  /** Per table: the groups that list the call, and all that hold it through nesting. */
  membership: { groups: SystemdGroups; listed: string[]; all: string[] }[];
  changes: MembershipChange[];
}

/**
 * Words after an indent, as lines of at most `width` characters broken between words (a word
 * longer than a line has a line of its own); all on one line when `width` is null (not a terminal).
 */
function wrapWords(indent: string, words: string[], width: number | null): string[] {
  if (width === null) return [`${indent}${words.join(' ')}`];
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(`${indent}${line}`);
      line = '';
    }
    line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(`${indent}${line}`);
  return lines;
}

/**
 * `groups`: each group, its size and nested groups, then its members, wrapped between names to
 * `width` (the terminal's columns), or on one line when `width` is null.
 */
export function renderGroupsText({ groups, names }: GroupListing, width: number | null = null): string {
  const out = [`# groups: ${escapeForTerminal(describeGroupTableSource(groups.source))}`];
  for (const name of names) {
    const nested = (groups.nested.get(name) ?? []).filter((member) => member.startsWith('@'));
    const members = groups.expanded.get(name) ?? [];
    out.push(escapeForTerminal(`${name}  (${members.length} syscalls${nested.length > 0 ? `, includes ${nested.join(' ')}` : ''})`));
    out.push(...wrapWords('  ', members.map(escapeForTerminal), width));
  }
  return `${out.join('\n')}\n`;
}

/** `groups --json`. Part of the public interface (README). */
export function renderGroupsJson({ groups, names }: GroupListing): string {
  const listed = Object.fromEntries(names.map((name) => [name, groups.expanded.get(name) ?? []]));
  return `${JSON.stringify({ systemd: groups.version, source: describeGroupTableSource(groups.source), source_code: groups.source, groups: listed }, null, 2)}\n`;
}

/** `lookup`: the numbers, then per table the groups, then when it joined or left one. */
export function renderLookupText(lookup: SyscallLookup): string {
  const out = [escapeForTerminal(lookup.name)];
  out.push(`  numbers: ${Object.entries(lookup.numbers).map(([abi, number]) => `${abi} ${number}`).join(', ') || 'none (no ABI of the bundled kernel tables has it)'}`);
  for (const entry of lookup.membership) {
    const through = entry.all.filter((group) => !entry.listed.includes(group));
    const label = entry.groups.version ? `systemd ${entry.groups.version}` : describeGroupTableSource(entry.groups.source);
    out.push(escapeForTerminal(`  ${label}: ${entry.all.length === 0 ? 'in no group' : `${entry.listed.join(' ') || '-'}${through.length > 0 ? ` (and through them ${through.join(' ')})` : ''}`}`));
  }
  for (const change of lookup.changes) out.push(`  ${change.change} ${change.group} in ${change.version}`);
  return `${out.join('\n')}\n`;
}

/** A table's key in `lookup --json`: its systemd version, or where it came from. */
function tableKey(groups: SystemdGroups): string {
  return groups.version ?? describeGroupTableSource(groups.source);
}

/** `lookup --json`. Part of the public interface (README). */
export function renderLookupJson(lookup: SyscallLookup): string {
  return `${JSON.stringify({
    name: lookup.name,
    numbers: lookup.numbers,
    groups: Object.fromEntries(lookup.membership.map((entry) => [tableKey(entry.groups), entry.all])),
    listed: Object.fromEntries(lookup.membership.map((entry) => [tableKey(entry.groups), entry.listed])),
    changes: lookup.changes,
  }, null, 2)}\n`;
}
