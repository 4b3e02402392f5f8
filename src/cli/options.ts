import { Option, type Command } from 'commander';
import type { DenialFilter } from '../analysis/index.js';
import { hostAbi, type AbiRegistry } from '../decode/index.js';
// The unit-name rule alone: the systemd model is loaded only by the commands that use it.
import { isValidUnitName } from '../systemd/unit-name.js';
import { UsageError, notAUnitName } from '../app/usage-error.js';
import { parseTimeSpec } from './time-spec.js';

/**
 * The options several commands share, each defined once with its one validator. A command adds
 * them with `.addOption(…)` and reads them through the `checked…` functions, which throw a
 * UsageError (one line, exit 2) naming the option.
 */

export const DB_OPTION_HELP = 'the store (default: /var/lib/seccomp-explain/denials.db as root, else $XDG_STATE_HOME/seccomp-explain/denials.db)';

export function dbOption(help = DB_OPTION_HELP): Option {
  return new Option('--db <path>', help);
}

/** How help and the man page name the ABI defaults: the man page is written on another machine. */
const THIS_MACHINES_ABI = 'this machine\'s';

/** `--abi`: the ABI of records that name none (pre-3.14 kernels' `type=1701`, no `arch=`). */
export function abiOption(help = 'ABI of records that do not name one (pre-3.14 kernels)'): Option {
  return new Option('--abi <abi>', help).default(hostAbi(process.arch), THIS_MACHINES_ABI);
}

/** `--native-abi`: the ABI the unit's host runs natively, what `SystemCallArchitectures=native` admits. */
export function nativeAbiOption(): Option {
  return new Option('--native-abi <abi>', 'the ABI the unit\'s host runs natively (what SystemCallArchitectures=native admits)').default(hostAbi(process.arch), THIS_MACHINES_ABI);
}

/**
 * Until `--native-abi` existed, `suggest`'s (and `explain --unit`'s) `--abi` named the native
 * ABI too: when only `--abi` is given where a unit is judged, say which option does that now.
 */
export function nativeAbiHint(command: Command, nativeAbi: string): string | null {
  if (command.getOptionValueSource('abi') !== 'cli' || command.getOptionValueSource('nativeAbi') === 'cli') return null;
  return `--abi names the ABI of records without arch= only; SystemCallArchitectures=native is judged against --native-abi (${nativeAbi} here)`;
}

/** A value of `--abi` or `--native-abi` that the syscall tables know. */
export function checkedAbi(abi: string, tables: AbiRegistry, option = '--abi'): string {
  if (!tables.forAbi(abi)) throw new UsageError(`${option} ${abi}: no such ABI (one of ${tables.abiNames().join(', ')})`);
  return abi;
}

/**
 * A `--unit` value: a unit name (`NAME.service`, `NAME@INSTANCE.service`, …), or undefined when
 * not given. A name without a type is a service's, as systemctl takes it: `nosuch` is `nosuch.service`.
 */
export function checkedUnit(unit: string | undefined, given = '--unit '): string | undefined {
  if (unit === undefined || isValidUnitName(unit)) return unit;
  if (isValidUnitName(`${unit}.service`)) return `${unit}.service`;
  throw notAUnitName(unit, given);
}

/**
 * Takes every command's `--unit <name>` through checkedUnit before the command runs, so that each
 * sees `nosuch.service` for `nosuch`, and a name that is none is refused first.
 */
export function checkUnitNamesBeforeActions(program: Command): void {
  program.hook('preAction', (_program, command) => {
    if (!command.options.some((option) => option.flags === '--unit <name>')) return;
    const unit: unknown = command.getOptionValue('unit');
    if (typeof unit === 'string') command.setOptionValue('unit', checkedUnit(unit));
  });
}

export const TIME_FORMS = '2023-03-16, "2023-03-16 14:12" and 11:00 (local time), ISO 8601 with a zone, @1678972350, today, yesterday, "2h ago", -30min, "1h 30min ago", +1h, as journalctl takes them';

export function sinceOption(): Option {
  return new Option('--since <time>', 'only events at or after this time (the forms are listed below)');
}

export function untilOption(): Option {
  return new Option('--until <time>', 'only events at or before this time (the forms of --since)');
}

function checkedTime(option: string, text: string | undefined, now: number): number | undefined {
  if (text === undefined) return undefined;
  const time = parseTimeSpec(text, now);
  if (time === null) throw new UsageError(`${option} ${text}: not a time (try 2023-03-16, "2023-03-16 14:12", @1678972350, "2h ago", today)`);
  return time;
}

/** explain's filters (`--exe`, `--comm`, `--since`, `--until`), read from a command's options. */
export function checkedDenialFilter(options: { exe?: string; comm?: string; since?: string; until?: string }, now: number): DenialFilter {
  return { exe: options.exe, comm: options.comm, since: checkedTime('--since', options.since, now), until: checkedTime('--until', options.until, now) };
}

/** `--no-color`; colour is used on a terminal unless NO_COLOR is set (colourWanted). */
export function noColourOption(): Option {
  return new Option('--no-color', 'no colour, even on a terminal');
}

/** `--quiet`: no informational lines on stderr (which log was read, option hints); warnings and errors still appear. */
export function quietOption(): Option {
  return new Option('-q, --quiet', 'no informational lines on stderr (such as which log was read); warnings and errors still appear');
}

/** The options that may be given more than once (shell completion offers them again). */
export const REPEATABLE_OPTIONS: ReadonlySet<string> = new Set(['--unit-file']);

/** `--unit-file`, repeatable: a unit file, a drop-in, or a saved `systemctl cat`. */
export function unitFileOption(help = 'the unit file, a drop-in, or a saved `systemctl cat`; repeat for several'): Option {
  // No default: help would print `(default: [])`; the commands read a missing one as [].
  return new Option('--unit-file <file>', help).argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
}

export function rootDirectoryOption(help: string): Option {
  return new Option('--root <dir>', help);
}

export function systemdVersionOption(help = 'the bundled group table nearest at or below this systemd version'): Option {
  return new Option('--systemd-version <version>', help);
}

export function systemdGroupsOption(help = 'saved `systemd-analyze syscall-filter` output from the unit\'s host'): Option {
  return new Option('--systemd-groups <file>', help);
}
