import type { Command } from 'commander';
import type { SuggestOptions } from '../app/suggest.js';
import { loadBundledSyscallTables } from '../decode/index.js';
import { COLOUR_PALETTE, PLAIN_PALETTE, renderSuggestionJson, renderSuggestionText } from '../render/index.js';
import { colourWanted } from './colour-choice.js';
import { ExitCode } from './exit-code.js';
import {
  DB_OPTION_HELP, abiOption, checkedAbi, checkedDenialFilter, checkedUnit, dbOption, nativeAbiHint, nativeAbiOption, noColourOption, rootDirectoryOption,
  quietOption, sinceOption, systemdGroupsOption, systemdVersionOption, unitFileOption, untilOption,
} from './options.js';
import { printMessage } from './stderr-message.js';

interface SuggestFlags extends Omit<SuggestOptions, 'unitFile' | 'since' | 'until'> {
  unitFile?: string[];
  since?: string;
  until?: string;
  root?: string;
  systemdVersion?: string;
  systemdGroups?: string;
  json?: boolean;
  color?: boolean;
}

export function registerSuggestCommand(program: Command): void {
  program
    .command('suggest')
    .description('say which unit setting blocked each denial, and the one drop-in that allows exactly those calls')
    .argument('[files...]', 'log files (plain or gzip); "-" for standard input; none: standard input, or this host\'s journal when it is a terminal')
    .option('--unit <name>', 'the unit (NAME.service); default: found from the log (systemd\'s SIGSYS exit message, systemd-coredump, ExecStart=)')
    .addOption(unitFileOption())
    .addOption(rootDirectoryOption('read units from this offline image\'s unit directories (and its journal, to confirm lines), and write under it'))
    .option('--write', 'write the drop-in (atomically, 0644; only ever replacing our own), from verified records only (docs/security.md)')
    .option('--trust-input', 'with --write: take every record of the input as the kernel\'s, unconfirmed; only for a log whose origin you know')
    .addOption(systemdVersionOption('evaluate with the bundled group table nearest at or below this systemd version'))
    .addOption(systemdGroupsOption('evaluate with saved `systemd-analyze syscall-filter` output from the unit\'s host'))
    .option('--exe <pattern>', 'only denials of this executable (exact, or a pattern with * and ?); taken for the named unit\'s even when nothing in the log ties it to the unit')
    .option('--comm <pattern>', 'only denials of this command name')
    .addOption(sinceOption())
    .addOption(untilOption())
    .option('--all-programs', 'take the denials of every program in the input, also those nothing ties to the unit (its exit or coredump entries, its ExecStart=)')
    .addOption(abiOption())
    .addOption(nativeAbiOption())
    .option('--json', 'one JSON document')
    .option('--from-db', 'use every denial in the history store (see ingest) instead of log input')
    .addOption(dbOption(`with --from-db: ${DB_OPTION_HELP}`))
    .addOption(noColourOption())
    .addOption(quietOption())
    .action(async (files: string[], options: SuggestFlags, command: Command) => {
      process.exitCode = await runSuggest(files, options, nativeAbiHint(command, options.nativeAbi));
    });
}

async function runSuggest(files: string[], flags: SuggestFlags, hint: string | null): Promise<number> {
  const { suggest } = await import('../app/suggest.js');
  const { chooseGroups, rootOption } = await import('../app/unit-loading.js');
  const tables = loadBundledSyscallTables();
  checkedAbi(flags.abi, tables);
  checkedAbi(flags.nativeAbi, tables, '--native-abi');
  checkedUnit(flags.unit);
  if (hint !== null && !flags.quiet) printMessage(hint);
  const root = rootOption(flags.root);
  const groups = chooseGroups(flags.systemdGroups, flags.systemdVersion);
  const { since, until } = checkedDenialFilter(flags, Date.now());
  const outcome = await suggest({ files, options: { ...flags, since, until, unitFile: flags.unitFile ?? [] }, tables, root, groups }, printMessage);
  if (outcome.report === null) return outcome.inputFailed ? ExitCode.InputError : ExitCode.NothingFound;
  if (flags.json) process.stdout.write(renderSuggestionJson(outcome.report));
  else process.stdout.write(renderSuggestionText(outcome.report, colourWanted(flags.color) ? COLOUR_PALETTE : PLAIN_PALETTE));
  return outcome.inputFailed || outcome.needsAction ? ExitCode.InputError : ExitCode.Found;
}
