import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../package-root.js';
import { AbiRegistry, SyscallTable, type SyscallTableData } from './syscall-table.js';

interface TablesIndex {
  abis: { abi: string; auditArch: string; file: string }[];
}

let bundled: AbiRegistry | null = null;

/** The per-ABI tables shipped in `syscall-tables/linux/`, each read when first needed. */
export function loadBundledSyscallTables(): AbiRegistry {
  if (bundled) return bundled;
  const directory = join(packageRoot(), 'syscall-tables', 'linux');
  const index = JSON.parse(readFileSync(join(directory, 'index.json'), 'utf8')) as TablesIndex;
  bundled = new AbiRegistry(index.abis.map((entry) => ({
    abi: entry.abi,
    auditArch: Number.parseInt(entry.auditArch, 16),
    load: () => new SyscallTable(JSON.parse(readFileSync(join(directory, entry.file), 'utf8')) as SyscallTableData),
  })));
  return bundled;
}
