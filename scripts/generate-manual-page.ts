/**
 * Writes the man page, dist/man/seccomp-explain.1, from the command definitions (the same ones
 * `--help` prints): run by `npm run build`, after tsc. package.json's `man` field installs it.
 *
 * Usage: node dist/scripts/generate-manual-page.js
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seccompExplainProgram } from '../src/cli/main.js';
import { renderManualPage } from '../src/cli/manual-page.js';
import { packageRoot } from '../src/package-root.js';

const directory = join(packageRoot(), 'dist', 'man');
mkdirSync(directory, { recursive: true });
writeFileSync(join(directory, 'seccomp-explain.1'), renderManualPage(seccompExplainProgram()));
