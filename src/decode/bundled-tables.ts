import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AbiRegistry, SyscallTable, type SyscallTableData } from './syscall-table.js';

/** Finds the package's `syscall-tables/` folder from wherever this module was built to. */
export function findSyscallTablesDirectory(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(directory, 'syscall-tables');
    if (existsSync(join(candidate, 'linux', 'index.json'))) return candidate;
    const parent = dirname(directory);
    if (parent === directory) throw new Error('cannot find the syscall-tables/ folder of seccomp-explain');
    directory = parent;
  }
}

let bundled: AbiRegistry | null = null;

/** The per-ABI tables shipped in `syscall-tables/linux/`, read once. */
export function loadBundledSyscallTables(): AbiRegistry {
  if (bundled) return bundled;
  const directory = join(findSyscallTablesDirectory(), 'linux');
  const tables = readdirSync(directory)
    .filter((name) => name.endsWith('.json') && name !== 'index.json')
    .sort()
    .map((name) => new SyscallTable(JSON.parse(readFileSync(join(directory, name), 'utf8')) as SyscallTableData));
  bundled = new AbiRegistry(tables);
  return bundled;
}
