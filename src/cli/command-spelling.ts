import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { UsageError } from '../app/usage-error.js';
import { didYouMean, nearestNames } from '../app/nearest-names.js';

/**
 * `explain` is the default command, so a first argument that names no command is a file to
 * explain. When it is no file either and is a command's name mistyped (`sugest`, `reprot`),
 * that is the likelier mistake: this says so (exit 2) instead of "no such file".
 */
export function checkCommandSpelling(program: Command, argv: string[], exists: (path: string) => boolean = existsSync): void {
  const first = argv[2];
  if (first === undefined || first === '-' || first.startsWith('-')) return;
  const names = [...program.commands.flatMap((command) => [command.name(), ...command.aliases()]), 'help'];
  if (names.includes(first) || exists(first)) return;
  const nearest = nearestNames(first.toLowerCase(), names);
  if (nearest.length > 0) throw new UsageError(`unknown command '${first}'${didYouMean(nearest)}`);
}
