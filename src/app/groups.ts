import { loadBundledSyscallTables, type AbiRegistry, type SyscallTable } from '../decode/index.js';
import { describeGroupTableSource, type GroupListing, type SyscallLookup } from '../render/index.js';
import { bundledGroupVersions, bundledGroupsFor, groupsHolding, membershipChanges, type SystemdGroups } from '../systemd/index.js';
import { didYouMean, nearestNames } from './nearest-names.js';
import { chooseGroups } from './unit-loading.js';
import { UsageError } from './usage-error.js';

/** Where the group table comes from: a saved `systemd-analyze syscall-filter`, a version, or neither. */
export interface GroupTableChoice {
  systemdGroups?: string;
  systemdVersion?: string;
}

/** `groups`: every group of the chosen table, or one, fully expanded. */
export function listGroups(group: string | undefined, choice: GroupTableChoice): GroupListing {
  const groups = chooseGroups(choice.systemdGroups, choice.systemdVersion);
  const names = group === undefined ? [...groups.expanded.keys()] : [group];
  for (const name of names) {
    if (!groups.expanded.has(name)) {
      const nearest = nearestNames(groupSpelling(name), groups.expanded.keys());
      throw new UsageError(`${name}: no such group in ${describeGroupTableSource(groups.source)} (seccomp-explain groups lists them)${didYouMean(nearest)}`);
    }
  }
  return { groups, names };
}

/** A group name as it may have been meant: lower case, with its `@`. */
function groupSpelling(typed: string): string {
  const name = typed.toLowerCase();
  return name.startsWith('@') ? name : `@${name}`;
}

/** A syscall name as it may have been meant: lower case, without the kernel's `sys_`, `__x64_sys_`, `compat_sys_` prefixes. */
function syscallSpelling(typed: string): string {
  return typed.toLowerCase().replace(/^(?:__[a-z0-9]+_)?(?:compat_)?sys_/, '');
}

/** The known syscall names nearest to a name no table or group holds. */
function nearestSyscalls(typed: string, tables: AbiRegistry, versions: SystemdGroups[]): string[] {
  const known = new Set<string>();
  for (const abi of tables.abiNames()) for (const [, name] of tables.forAbi(abi)?.entries() ?? []) known.add(name);
  for (const groups of versions) for (const members of groups.expanded.values()) for (const name of members) known.add(name);
  const meant = syscallSpelling(typed);
  return known.has(meant) ? [meant] : nearestNames(meant, [...known].sort());
}

/** The tables lookup reports on: the one chosen by option, else every bundled table. */
function lookupVersions(choice: GroupTableChoice): SystemdGroups[] {
  if (choice.systemdGroups || choice.systemdVersion) return [chooseGroups(choice.systemdGroups, choice.systemdVersion)];
  return bundledGroupVersions().map((version) => bundledGroupsFor(version));
}

/** `lookup`: a call (a name, or a number on `abi`) on every ABI, and the groups that hold it in each table. */
export function lookUpSyscall(syscall: string, abi: string, choice: GroupTableChoice): SyscallLookup {
  const tables = loadBundledSyscallTables();
  let name = syscall;
  if (/^\d+$/.test(syscall)) {
    const table = tables.forAbi(abi) as SyscallTable;
    const found = table.nameOf(Number(syscall));
    if (found === null) throw new UsageError(`${abi} has no syscall number ${syscall} (in the tables of kernel ${table.kernel})`);
    name = found;
  }
  const numbers = Object.fromEntries(tables.abiNames().flatMap((other) => {
    const number = tables.forAbi(other)?.numberOf(name) ?? null;
    return number === null ? [] : [[other, number]];
  }));
  const versions = lookupVersions(choice);
  const membership = versions.map((groups) => ({ groups, ...groupsHolding(groups, name) }));
  if (Object.keys(numbers).length === 0 && membership.every((entry) => entry.all.length === 0)) {
    throw new UsageError(`${name}: no syscall of that name in any ABI's table or systemd group${didYouMean(nearestSyscalls(name, tables, versions))}`);
  }
  return { name, numbers, membership, changes: membershipChanges(name, versions) };
}
