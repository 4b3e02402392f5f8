import type { Command } from 'commander';
import { hostAbi, loadBundledSyscallTables, type SyscallTable } from '../decode/index.js';
import { escapeForTerminal } from '../render/index.js';
import {
  bundledGroupVersions, bundledGroupsFor, groupsHolding, membershipChanges, type SystemdGroups,
} from '../systemd/index.js';
import { ExitCode } from './exit-code.js';
import { UsageError } from '../app/usage-error.js';
import { chooseGroups } from '../app/unit-loading.js';
import { checkedAbi, systemdGroupsOption, systemdVersionOption } from './options.js';

interface GroupsOptions {
  systemdVersion?: string;
  systemdGroups?: string;
  json?: boolean;
}

interface LookupOptions extends GroupsOptions {
  abi: string;
}

function groupsOptions(command: Command): Command {
  return command
    .addOption(systemdVersionOption())
    .addOption(systemdGroupsOption('saved `systemd-analyze syscall-filter` output'))
    .option('--json', 'one JSON document');
}

export function registerGroupsCommands(program: Command): void {
  groupsOptions(program.command('groups'))
    .description('list systemd\'s syscall groups (or one), fully expanded')
    .argument('[group]', 'one group, such as @resources')
    .action((group: string | undefined, options: GroupsOptions) => {
      process.exitCode = runGroups(group, options);
    });
  groupsOptions(program.command('lookup'))
    .description('a syscall\'s number on every ABI, and the groups that hold it in each systemd version')
    .argument('<syscall>', 'a name (setrlimit) or a number (with --abi)')
    .option('--abi <abi>', 'the ABI a number is in', hostAbi(process.arch))
    .action((syscall: string, options: LookupOptions) => {
      process.exitCode = runLookup(syscall, options);
    });
}

function runGroups(group: string | undefined, options: GroupsOptions): number {
  const groups = chooseGroups(options.systemdGroups, options.systemdVersion);
  const names = group === undefined ? [...groups.expanded.keys()] : [group];
  for (const name of names) {
    if (!groups.expanded.has(name)) throw new UsageError(`${name}: no such group in ${groups.source} (seccomp-explain groups lists them)`);
  }
  if (options.json) {
    const listed = Object.fromEntries(names.map((name) => [name, groups.expanded.get(name) ?? []]));
    process.stdout.write(`${JSON.stringify({ systemd: groups.version, source: groups.source, groups: listed }, null, 2)}\n`);
    return ExitCode.Found;
  }
  const out = [`# groups: ${groups.source}`];
  for (const name of names) {
    const nested = (groups.nested.get(name) ?? []).filter((member) => member.startsWith('@'));
    const members = groups.expanded.get(name) ?? [];
    out.push(`${name}  (${members.length} syscalls${nested.length > 0 ? `, includes ${nested.join(' ')}` : ''})`);
    out.push(`  ${members.join(' ')}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return ExitCode.Found;
}

/** The versions lookup reports on: the one chosen by option, else every bundled table. */
function lookupVersions(options: GroupsOptions): SystemdGroups[] {
  if (options.systemdGroups || options.systemdVersion) return [chooseGroups(options.systemdGroups, options.systemdVersion)];
  return bundledGroupVersions().map((version) => bundledGroupsFor(version));
}

function runLookup(syscall: string, options: LookupOptions): number {
  const tables = loadBundledSyscallTables();
  let name = syscall;
  if (/^\d+$/.test(syscall)) {
    const table = tables.forAbi(checkedAbi(options.abi, tables)) as SyscallTable;
    const found = table.nameOf(Number(syscall));
    if (found === null) throw new UsageError(`${options.abi} has no syscall number ${syscall} (in the tables of kernel ${table.kernel})`);
    name = found;
  }
  const numbers = Object.fromEntries(tables.abiNames().flatMap((abi) => {
    const number = tables.forAbi(abi)?.numberOf(name) ?? null;
    return number === null ? [] : [[abi, number]];
  }));
  const versions = lookupVersions(options);
  const membership = versions.map((groups) => ({ groups, ...groupsHolding(groups, name) }));
  if (Object.keys(numbers).length === 0 && membership.every((entry) => entry.all.length === 0)) {
    throw new UsageError(`${name}: no syscall of that name in any ABI's table or systemd group`);
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify({
      name,
      numbers,
      groups: Object.fromEntries(membership.map((entry) => [entry.groups.version ?? entry.groups.source, entry.all])),
      listed: Object.fromEntries(membership.map((entry) => [entry.groups.version ?? entry.groups.source, entry.listed])),
      changes: membershipChanges(name, versions),
    }, null, 2)}\n`);
    return ExitCode.Found;
  }
  const out = [escapeForTerminal(name)];
  out.push(`  numbers: ${Object.entries(numbers).map(([abi, number]) => `${abi} ${number}`).join(', ') || 'none (no ABI of the bundled kernel tables has it)'}`);
  for (const entry of membership) {
    const through = entry.all.filter((group) => !entry.listed.includes(group));
    const label = entry.groups.version ? `systemd ${entry.groups.version}` : entry.groups.source;
    out.push(`  ${label}: ${entry.all.length === 0 ? 'in no group' : `${entry.listed.join(' ') || '-'}${through.length > 0 ? ` (and through them ${through.join(' ')})` : ''}`}`);
  }
  for (const change of membershipChanges(name, versions)) out.push(`  ${change.change} ${change.group} in ${change.version}`);
  process.stdout.write(`${out.join('\n')}\n`);
  return ExitCode.Found;
}
