#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { findSyscallTablesDirectory } from '../decode/index.js';
import { registerExplainCommand } from './explain-command.js';
import { ExitCode, UsageError } from './exit-code.js';

function packageVersion(): string {
  const packageJson = join(dirname(findSyscallTablesDirectory()), 'package.json');
  return (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
}

async function main(argv: string[]): Promise<void> {
  const program = new Command('seccomp-explain')
    .description('Explain seccomp denials from kernel and audit logs: which syscall, ABI, action and program.')
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });
  registerExplainCommand(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : ExitCode.InputError;
      return;
    }
    if (error instanceof UsageError) {
      process.stderr.write(`seccomp-explain: ${error.message}\n`);
      process.exitCode = ExitCode.InputError;
      return;
    }
    throw error;
  }
}

process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

await main(process.argv);
