import { Option, type Command } from 'commander';
import type { FilterSource } from '../app/run.js';
import { loadBundledSyscallTables } from '../decode/index.js';
import { COLOUR_PALETTE, PLAIN_PALETTE, renderRunAnnotations, renderRunJson, renderRunJunit, renderRunText, type RunVerdict } from '../render/index.js';
import type { RunMode } from '../systemd/index.js';
import { colourWanted } from './colour-choice.js';
import { ExitCode, RunExitCode } from './exit-code.js';
import {
  checkedAbi, checkedUnit, nativeAbiHint, nativeAbiOption, noColourOption, rootDirectoryOption, systemdGroupsOption, systemdVersionOption, unitFileOption,
} from './options.js';
import { printMessage } from './stderr-message.js';
import { UsageError } from '../app/usage-error.js';

interface RunFlags {
  unit?: string;
  unitFile?: string[];
  root?: string;
  filter?: string[];
  architectures?: string[];
  enforce?: boolean;
  errno?: string;
  systemdVersion?: string;
  systemdGroups?: string;
  nativeAbi: string;
  json?: string;
  junit?: string;
  baseline?: string;
  color?: boolean;
}

/** What the exit status says, after the examples in `--help`. */
const EXIT_STATUS_HELP = `
Exit status: 0 pass, 1 calls outside the filter, 4 inconclusive (records may be lost),
5 the command failed without calls outside the filter, 2 usage or set-up, 3 internal error.`;

const repeat = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

const VERDICT_EXIT: Record<RunVerdict, number> = {
  pass: RunExitCode.Pass,
  denials: RunExitCode.Denials,
  inconclusive: RunExitCode.Inconclusive,
  failed: RunExitCode.CommandFailed,
};

export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('run a command under a unit\'s syscall filter in log mode: every call the filter would deny, in one run (a CI gate)')
    .argument('<command...>', 'the command and its arguments, after --')
    .option('--unit <name>', 'the live unit whose filter to use (NAME.service)')
    .addOption(unitFileOption('the unit file whose filter to use, a drop-in, or a saved `systemctl cat`; repeat for several'))
    .addOption(rootDirectoryOption('read --unit from this offline image\'s unit directories'))
    .addOption(new Option('--filter <spec>', 'a filter in SystemCallFilter= syntax instead of a unit\'s; repeat to merge as systemd does').argParser(repeat))
    .addOption(new Option('--architectures <list>', 'with --filter: SystemCallArchitectures= (e.g. native); repeatable').argParser(repeat))
    .option('--enforce', 'enforce the filter instead of logging: the command is killed or refused on the first call outside it')
    .option('--errno <name>', 'with --enforce: what calls outside the filter get (EPERM, ENOSYS…, or kill)')
    .addOption(systemdVersionOption('evaluate groups with the bundled table nearest at or below this systemd version'))
    .addOption(systemdGroupsOption())
    .addOption(nativeAbiOption())
    .option('--json <file>', 'also write the report as JSON (suggest\'s document plus verdict, exit and filter); - for standard output')
    .option('--baseline <file>', 'an earlier run\'s --json: fail only on calls not in it, and print changelog lines for them')
    .option('--junit <file>', 'also write a JUnit XML report (GitLab, Jenkins)')
    .addOption(noColourOption())
    .addHelpText('after', EXIT_STATUS_HELP)
    .action(async (command: string[], flags: RunFlags, self: Command) => {
      process.exitCode = await runRun(command, flags, nativeAbiHint(self, flags.nativeAbi));
    });
}

function filterSource(flags: RunFlags): FilterSource {
  const filters = flags.filter ?? [];
  const architectures = flags.architectures ?? [];
  const unitFiles = flags.unitFile ?? [];
  if (filters.length > 0 || architectures.length > 0) {
    if (flags.unit !== undefined || unitFiles.length > 0 || flags.root !== undefined) throw new UsageError('give the filter either as a unit (--unit, --unit-file, --root) or as --filter, not both');
    return { code: 'options', filters, architectures };
  }
  if (flags.unit === undefined && unitFiles.length === 0) throw new UsageError('give the filter: --unit NAME, --unit-file FILE, or --filter SPEC');
  return { code: 'unit', unit: checkedUnit(flags.unit), unitFiles, root: null };
}

function runMode(flags: RunFlags): RunMode {
  if (!flags.enforce) {
    if (flags.errno !== undefined) throw new UsageError('--errno goes with --enforce');
    return { code: 'log' };
  }
  if (flags.errno === undefined) return { code: 'enforce', errno: null };
  if (flags.errno === 'kill') return { code: 'enforce', errno: 'kill' };
  if (!/^(E[A-Z0-9]+|\d{1,4})$/.test(flags.errno)) throw new UsageError(`--errno ${flags.errno}: give an errno name (EPERM, ENOSYS…), a number, or kill`);
  return { code: 'enforce', errno: flags.errno };
}

/** Writes one report; false, said, when it could not be written. */
async function writeReport(path: string, text: string): Promise<boolean> {
  if (path === '-') {
    process.stdout.write(text);
    return true;
  }
  const { writeReportFile } = await import('../app/report-file.js');
  try {
    writeReportFile(path, text);
    return true;
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    printMessage(error.message);
    return false;
  }
}

async function runRun(command: string[], flags: RunFlags, hint: string | null): Promise<number> {
  const { run } = await import('../app/run.js');
  const { chooseGroups, rootOption } = await import('../app/unit-loading.js');
  const tables = loadBundledSyscallTables();
  checkedAbi(flags.nativeAbi, tables, '--native-abi');
  if (hint !== null) printMessage(hint);
  const source = filterSource(flags);
  const filter: FilterSource = source.code === 'unit' ? { ...source, root: rootOption(flags.root) } : source;
  const report = await run({
    command, filter, mode: runMode(flags), tables, groups: chooseGroups(flags.systemdGroups, flags.systemdVersion), nativeAbi: flags.nativeAbi,
    baselineFile: flags.baseline ?? null,
  }, printMessage);
  const status = VERDICT_EXIT[report.verdict];
  process.stderr.write(renderRunText(report, status, colourWanted(flags.color, process.stderr) ? COLOUR_PALETTE : PLAIN_PALETTE));
  const jsonWritten = flags.json === undefined || await writeReport(flags.json, renderRunJson(report, status));
  const junitWritten = flags.junit === undefined || await writeReport(flags.junit, renderRunJunit(report));
  if (process.env.GITHUB_ACTIONS === 'true') process.stdout.write(renderRunAnnotations(report));
  // A pass whose report a later step needs is no pass when the report is missing.
  return status === RunExitCode.Pass && !(jsonWritten && junitWritten) ? ExitCode.InputError : status;
}
