import { existsSync, readFileSync } from 'node:fs';
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

interface TablesIndex {
  abis: { abi: string; auditArch: string; file: string }[];
}

let bundled: AbiRegistry | null = null;

/** The per-ABI tables shipped in `syscall-tables/linux/`, each read when first needed. */
export function loadBundledSyscallTables(): AbiRegistry {
  if (bundled) return bundled;
  const directory = join(findSyscallTablesDirectory(), 'linux');
  const index = JSON.parse(readFileSync(join(directory, 'index.json'), 'utf8')) as TablesIndex;
  bundled = new AbiRegistry(index.abis.map((entry) => ({
    abi: entry.abi,
    auditArch: Number.parseInt(entry.auditArch, 16),
    load: () => new SyscallTable(JSON.parse(readFileSync(join(directory, entry.file), 'utf8')) as SyscallTableData),
  })));
  return bundled;
}
