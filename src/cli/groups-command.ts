import type { Command } from 'commander';
import { loadBundledSyscallTables } from '../decode/index.js';
import { renderGroupsJson, renderGroupsText, renderLookupJson, renderLookupText } from '../render/index.js';
import { ExitCode } from './exit-code.js';
import { abiOption, checkedAbi, systemdGroupsOption, systemdVersionOption } from './options.js';

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
    .action(async (group: string | undefined, options: GroupsOptions) => {
      process.exitCode = await runGroups(group, options);
    });
  groupsOptions(program.command('lookup'))
    .description('a syscall\'s number on every ABI, and the groups that hold it in each systemd version')
    .argument('<syscall>', 'a name (setrlimit) or a number (with --abi)')
    .addOption(abiOption('the ABI a number is in'))
    .action(async (syscall: string, options: LookupOptions) => {
      process.exitCode = await runLookup(syscall, options);
    });
}

async function runGroups(group: string | undefined, options: GroupsOptions): Promise<number> {
  const { listGroups } = await import('../app/groups.js');
  const listing = listGroups(group, options);
  // Wrapped to a terminal's width; piped, each group's members stay on one line.
  const width = process.stdout.isTTY === true && (process.stdout.columns ?? 0) > 0 ? process.stdout.columns : null;
  process.stdout.write(options.json ? renderGroupsJson(listing) : renderGroupsText(listing, width));
  return ExitCode.Found;
}

async function runLookup(syscall: string, options: LookupOptions): Promise<number> {
  const { lookUpSyscall } = await import('../app/groups.js');
  const lookup = lookUpSyscall(syscall, checkedAbi(options.abi, loadBundledSyscallTables()), options);
  process.stdout.write(options.json ? renderLookupJson(lookup) : renderLookupText(lookup));
  return ExitCode.Found;
}
