import type { Command, Help } from 'commander';
import { ExitCode } from './exit-code.js';
import { DEFAULT_COMMAND_NOTE, HELP_EXAMPLES, TIME_FORMS_NOTE, takesTimes, type HelpExample } from './help-texts.js';
import { DB_OPTION_HELP } from './options.js';

/**
 * The man page, seccomp-explain(1), in roff, from the same command definitions and help texts
 * as `--help` (commander's Help does the terms and descriptions). Written by the build
 * (scripts/generate-manual-page.ts) to dist/man/seccomp-explain.1.
 */

/** Text made safe for roff: backslashes, hyphens, and a control character at a line's start. */
function roffText(text: string): string {
  return text
    .replace(/\\/g, '\\e')
    .replace(/-/g, '\\-')
    .split('\n')
    .map((line) => (/^[.']/.test(line) ? `\\&${line}` : line))
    .join('\n');
}

function bold(text: string): string {
  return `\\fB${roffText(text)}\\fR`;
}

const EXIT_STATUS: readonly [number, string][] = [
  [ExitCode.Found, 'at least one seccomp event found and explained'],
  [ExitCode.NothingFound, 'the input was read and held no seccomp event (after filters)'],
  [ExitCode.InputError, 'a wrong option or command, or an input that could not be read: the message says which'],
  [ExitCode.InternalError, 'an internal error: a bug, reported with its stack trace'],
];

function examplesSection(examples: readonly HelpExample[]): string[] {
  return [
    '.PP', 'Examples:', '.RS', '.nf',
    ...examples.flatMap(({ command, does }) => [`$ ${roffText(command)}`, `    ${roffText(does)}`]),
    '.fi', '.RE',
  ];
}

function optionsSection(command: Command, helper: Help): string[] {
  return helper.visibleOptions(command).flatMap((option) => ['.TP', bold(helper.optionTerm(option)), roffText(helper.optionDescription(option))]);
}

function argumentsSection(command: Command, helper: Help): string[] {
  return helper.visibleArguments(command).flatMap((argument) => ['.TP', `\\fI${roffText(helper.argumentTerm(argument))}\\fR`, roffText(helper.argumentDescription(argument))]);
}

function commandSection(command: Command, helper: Help): string[] {
  return [
    `.SS "${roffText(helper.commandUsage(command))}"`,
    roffText(helper.commandDescription(command)),
    ...argumentsSection(command, helper),
    ...optionsSection(command, helper),
    ...(takesTimes(command) ? ['.PP', roffText(TIME_FORMS_NOTE)] : []),
    ...examplesSection(HELP_EXAMPLES[command.name()] ?? []),
  ];
}

export function renderManualPage(program: Command): string {
  const helper = program.createHelp();
  const lines = [
    `.TH SECCOMP\\-EXPLAIN 1 "" "seccomp\\-explain ${roffText(program.version() ?? '')}" "User Commands"`,
    '.SH NAME',
    `seccomp\\-explain \\- ${roffText(program.description().replace(/^Explain/, 'explain').replace(/\.$/, ''))}`,
    '.SH SYNOPSIS',
    ...helper.visibleCommands(program).filter((command) => command.name() !== 'help').flatMap((command) => ['.br', `${bold('seccomp-explain')} ${roffText(helper.subcommandTerm(command))}`]),
    '.SH DESCRIPTION',
    roffText(program.description()),
    '.PP',
    roffText(DEFAULT_COMMAND_NOTE),
    '.SH OPTIONS',
    ...optionsSection(program, helper),
    '.SH COMMANDS',
    ...helper.visibleCommands(program).filter((command) => command.name() !== 'help').flatMap((command) => commandSection(command, helper)),
    '.SH EXIT STATUS',
    ...EXIT_STATUS.flatMap(([code, meaning]) => ['.TP', bold(String(code)), roffText(meaning)]),
    '.SH FILES',
    '.TP',
    bold('/var/lib/seccomp-explain/denials.db'),
    roffText(`the history store of ingest, watch, report and --from-db: ${DB_OPTION_HELP.replace(/^the store \(default: /, '').replace(/\)$/, '')}`),
    '.SH ENVIRONMENT',
    '.TP',
    bold('NO_COLOR'),
    'no colour, even on a terminal.',
    '.TP',
    bold('XDG_STATE_HOME'),
    roffText('where a user other than root keeps the store (default ~/.local/state).'),
    '.SH SEE ALSO',
    roffText('journalctl(1), ausearch(8), systemd.exec(5), systemd-analyze(1), seccomp(2)'),
  ];
  return `${lines.join('\n')}\n`;
}
