import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | null = null;

/**
 * The folder seccomp-explain is installed in (where its package.json and syscall-tables/
 * are), found from wherever this module was compiled to: `src/` under vitest, `dist/src/`
 * when built.
 */
export function packageRoot(): string {
  if (root) return root;
  for (let directory = dirname(fileURLToPath(import.meta.url)); ; directory = dirname(directory)) {
    const manifest = join(directory, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'seccomp-explain') {
      root = directory;
      return root;
    }
    if (dirname(directory) === directory) throw new Error('cannot find the folder seccomp-explain is installed in');
  }
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
