import type { Command } from 'commander';
import { COLOUR_PALETTE, PLAIN_PALETTE, renderDoctorJson, renderDoctorText } from '../render/index.js';
import { colourWanted } from './colour-choice.js';
import { checkedUnit, noColourOption, systemdGroupsOption, systemdVersionOption, unitFileOption } from './options.js';
import { printMessage } from './stderr-message.js';

interface DoctorFlags {
  unit?: string;
  unitFile?: string[];
  systemdVersion?: string;
  systemdGroups?: string;
  json?: boolean;
  color?: boolean;
}

/** `doctor`'s exit codes (README, "Why nothing was logged"); 2 and 3 as for every command. */
export const DoctorExitCode = {
  /** A denial (of the unit, or a kill of any program) would be logged. */
  Logged: 0,
  /** It would not: a check failed. */
  NotLogged: 1,
} as const;

/** What the report looks like and what the exit status says; the examples are in help-texts.ts. */
const EXAMPLES = `
Each check is one line, worst first (fail, warn, ok), with the fix under each problem.
Exit status: 0 a denial would be logged, 1 it would not (a check failed), 2 usage, 3 internal error.
Run it as root: PID 1's environment and auditctl are root's to read.`;

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('why a seccomp denial leaves no record: check the kernel, audit, journald and a unit\'s settings, with the fix for each problem')
    .option('--unit <name>', 'also check this live unit\'s seccomp settings (NAME.service)')
    .addOption(unitFileOption('check this unit file\'s settings instead of a live unit\'s (a drop-in, or a saved `systemctl cat`; repeat for several)'))
    .addOption(systemdVersionOption('evaluate the unit\'s groups with the bundled table nearest at or below this systemd version'))
    .addOption(systemdGroupsOption())
    .option('--json', 'print the checks as JSON: { "checks": [{ "id", "status", "detail", "fix", "data" }] }')
    .addOption(noColourOption())
    .addHelpText('after', EXAMPLES)
    .action(async (flags: DoctorFlags) => {
      process.exitCode = await runDoctor(flags);
    });
}

async function runDoctor(flags: DoctorFlags): Promise<number> {
  const { doctor } = await import('../app/doctor.js');
  const { chooseGroups } = await import('../app/unit-loading.js');
  const report = await doctor({ unit: checkedUnit(flags.unit), unitFiles: flags.unitFile ?? [], groups: chooseGroups(flags.systemdGroups, flags.systemdVersion) }, printMessage);
  const status = report.logged ? DoctorExitCode.Logged : DoctorExitCode.NotLogged;
  process.stdout.write(flags.json ? renderDoctorJson(report, status) : renderDoctorText(report, status, colourWanted(flags.color) ? COLOUR_PALETTE : PLAIN_PALETTE));
  return status;
}
