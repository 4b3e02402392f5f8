import { Argument, type Command } from 'commander';
import { COMPLETION_SHELLS, renderCompletion, type CompletionShell } from './shell-completion.js';
import { ExitCode } from './exit-code.js';

export function registerCompletionCommand(program: Command): void {
  program
    .command('completion')
    .description('print the shell completion script for bash, zsh or fish')
    .addArgument(new Argument('<shell>', 'bash, zsh or fish').choices(COMPLETION_SHELLS))
    .action((shell: CompletionShell) => {
      process.stdout.write(renderCompletion(program, shell));
      process.exitCode = ExitCode.Found;
    });
}
