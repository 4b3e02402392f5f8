#!/usr/bin/env -S node --max-semi-space-size=2 --single-threaded-gc
// The first flag keeps V8's young generation small: its default lets a long run grow the
// process by some 40 MB of heap it never needs. The second keeps garbage collection on the
// thread whose garbage it is: the reading, scanning and writing threads already keep the
// cores busy, and V8's helper threads would compete with them (docs/benchmarks.md).
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { packageVersion } from '../package-root.js';
import { checkCommandSpelling } from './command-spelling.js';
import { registerCompletionCommand } from './completion-command.js';
import { registerExplainCommand } from './explain-command.js';
import { registerGroupsCommands } from './groups-command.js';
import { registerSuggestCommand } from './suggest-command.js';
import { registerRunCommand } from './run-command.js';
import { registerLearnCommand } from './learn-command.js';
import { registerDoctorCommand } from './doctor-command.js';
import { registerStoreCommands } from './store-commands.js';
// The store's errors alone: loading src/store/index.js would load SQLite into every command.
import { StoreError } from '../store/store-errors.js';
import { ExitCode } from './exit-code.js';
import { UsageError } from '../app/usage-error.js';
import { printMessage } from './stderr-message.js';
import { escapeMessageForTerminal } from '../render/index.js';
import { addHelpTexts } from './help-texts.js';
import { checkUnitNamesBeforeActions } from './options.js';

/**
 * Every command, defined once: run by main, and read by the build (the man page,
 * scripts/generate-manual-page.ts) and by the shell completion.
 */
export function seccompExplainProgram(): Command {
  const program = new Command('seccomp-explain')
    .description('Explain seccomp denials from kernel and audit logs: which syscall, ABI, action and program.')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(escapeMessageForTerminal(text)) });
  registerExplainCommand(program);
  registerSuggestCommand(program);
  registerRunCommand(program);
  registerLearnCommand(program);
  registerDoctorCommand(program);
  registerGroupsCommands(program);
  registerStoreCommands(program);
  registerCompletionCommand(program);
  addHelpTexts(program);
  checkUnitNamesBeforeActions(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const program = seccompExplainProgram();
  try {
    checkCommandSpelling(program, argv);
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : ExitCode.InputError;
      return;
    }
    if (error instanceof UsageError || error instanceof StoreError) {
      printMessage(error.message);
      process.exitCode = ExitCode.InputError;
      return;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    printMessage(`internal error, please report it with the input that caused it:\n${detail}`);
    process.exitCode = ExitCode.InternalError;
  }
}

/** Whether this module is the program node was started with (through npm's bin link or not), rather than imported. */
function startedAsProgram(): boolean {
  const started = process.argv[1];
  if (started === undefined) return false;
  try {
    return realpathSync(started) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (startedAsProgram()) await main(process.argv);
