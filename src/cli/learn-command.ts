import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import type { LearnContext, RestartChoice } from '../app/learn.js';
import { loadBundledSyscallTables } from '../decode/index.js';
import {
  COLOUR_PALETTE, PLAIN_PALETTE, describeRestartQuestion, renderLearnJson, renderLearnStartText, renderLearnStatusText, renderLearnStopText, type RestartQuestion,
} from '../render/index.js';
import { colourWanted } from './colour-choice.js';
import { ExitCode, RunExitCode } from './exit-code.js';
import { checkedAbi, checkedUnit, nativeAbiHint, nativeAbiOption, noColourOption, systemdGroupsOption, systemdVersionOption } from './options.js';
import { printMessage } from './stderr-message.js';

interface LearnFlags {
  yes?: boolean;
  keepDeny?: boolean;
  write?: boolean;
  json?: boolean;
  systemdVersion?: string;
  systemdGroups?: string;
  nativeAbi: string;
  color?: boolean;
}

/** What the exit status says, after the examples in `--help`. */
const EXIT_STATUS_HELP = `
Exit status: 0 done (status: nothing outside the filter logged), 1 status/stop: calls outside the
filter were logged, 4 records may have been lost, 2 usage or set-up, 3 internal error.`;

function restartChoice(yes: boolean | undefined): RestartChoice {
  if (yes) return 'yes';
  return process.stdin.isTTY && process.stderr.isTTY ? 'ask' : 'no';
}

async function confirm(question: RestartQuestion): Promise<boolean> {
  const prompt = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await prompt.question(describeRestartQuestion(question))).trim());
  } finally {
    prompt.close();
  }
}

async function context(flags: LearnFlags, command: Command): Promise<LearnContext> {
  const { chooseGroups } = await import('../app/unit-loading.js');
  const tables = loadBundledSyscallTables();
  checkedAbi(flags.nativeAbi, tables, '--native-abi');
  const hint = nativeAbiHint(command, flags.nativeAbi);
  if (hint !== null) printMessage(hint);
  return { tables, groups: chooseGroups(flags.systemdGroups, flags.systemdVersion), nativeAbi: flags.nativeAbi, confirm, tell: printMessage };
}

function palette(flags: LearnFlags) {
  return colourWanted(flags.color) ? COLOUR_PALETTE : PLAIN_PALETTE;
}

function withModelOptions(command: Command): Command {
  return command
    .addOption(systemdVersionOption())
    .addOption(systemdGroupsOption())
    .addOption(nativeAbiOption())
    .addOption(noColourOption());
}

export function registerLearnCommand(program: Command): void {
  const learn = program
    .command('learn')
    .description('complain mode for a running unit: its filter logs instead of denying, then the drop-in for what it logged')
    .addHelpText('after', EXIT_STATUS_HELP);

  withModelOptions(learn.command('start')
    .description('stop enforcing the unit\'s SystemCallFilter= and log every call outside it (a drop-in of its own), then restart it')
    .argument('<unit>', 'the unit (NAME.service; NAME alone is NAME.service, as systemctl takes it)')
    .option('--yes', 'restart the unit without asking')
    .option('--keep-deny', 'keep the calls the unit denies with ~ enforcing'))
    .action(async (unit: string, flags: LearnFlags, command: Command) => {
      const { startLearning } = await import('../app/learn.js');
      const report = await startLearning(checkedUnit(unit, '') ?? unit, { keepDeny: flags.keepDeny === true, restart: restartChoice(flags.yes) }, await context(flags, command));
      process.stdout.write(renderLearnStartText(report, palette(flags)));
      process.exitCode = ExitCode.Found;
    });

  withModelOptions(learn.command('status')
    .description('the calls outside its filter each learning unit logged since it started learning')
    .argument('[unit]', 'the unit (NAME.service); default: every unit that is learning')
    .option('--json', 'one JSON document: a list, one entry per unit'))
    .action(async (unit: string | undefined, flags: LearnFlags, command: Command) => {
      const { learningStatus } = await import('../app/learn.js');
      const reports = await learningStatus(checkedUnit(unit, ''), await context(flags, command));
      process.stdout.write(flags.json ? renderLearnJson(reports) : renderLearnStatusText(reports, palette(flags)));
      // As run's: 4 records may be lost, 1 calls outside the filter, 0 none.
      process.exitCode = reports.some((report) => report.losses.length > 0) ? RunExitCode.Inconclusive
        : reports.some((report) => report.suggestion.findings.length > 0) ? RunExitCode.Denials : RunExitCode.Pass;
    });

  withModelOptions(learn.command('stop')
    .description('enforce the unit\'s filter again; with --write, plus the drop-in that allows exactly what it logged, proven by replay')
    .argument('<unit>', 'the unit (NAME.service; NAME alone is NAME.service, as systemctl takes it)')
    .option('--write', 'write the drop-in (as suggest --write does)')
    .option('--yes', 'restart the unit without asking')
    .option('--json', 'one JSON document'))
    .action(async (unit: string, flags: LearnFlags, command: Command) => {
      const { stopLearning } = await import('../app/learn.js');
      const report = await stopLearning(checkedUnit(unit, '') ?? unit, { write: flags.write === true, restart: restartChoice(flags.yes) }, await context(flags, command));
      process.stdout.write(flags.json ? renderLearnJson(report) : renderLearnStopText(report, flags.write === true, palette(flags)));
      process.exitCode = report.losses.length > 0 ? RunExitCode.Inconclusive
        : report.suggestion.findings.length > 0 && !report.suggestion.written ? RunExitCode.Denials : RunExitCode.Pass;
    });
}
