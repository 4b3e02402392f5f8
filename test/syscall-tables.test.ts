// Checks the generated syscall-tables/linux/*.json (see docs/syscall-tables.md):
// schema sanity, a few known facts, and agreement with audit's `ausyscall`.
//
// ausyscall is looked up in $SECCOMP_EXPLAIN_AUDIT_TOOLS (the wrapper dir that
// scripts/fetch-audit-tools prints), then on PATH. Without it the comparison
// is skipped locally and fails under CI (CI must run scripts/fetch-audit-tools).
import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readdirSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SyscallTableData } from '../src/decode/syscall-table.js';

type Table = SyscallTableData;

interface Index {
  kernel: string;
  source: string;
  generated: string;
  abis: Array<{ abi: string; auditArch: string; file: string }>;
}

const here = dirname(fileURLToPath(import.meta.url));
// Works both from test/ (vitest) and from dist/test/ (tsc output).
const repoRoot = [resolve(here, '..'), resolve(here, '../..')].find((d) => {
  try {
    accessSync(join(d, 'syscall-tables', 'linux', 'index.json'));
    return true;
  } catch {
    return false;
  }
}) ?? resolve(here, '..');
const tableDir = join(repoRoot, 'syscall-tables', 'linux');

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(join(tableDir, file), 'utf8')) as T;
}

const index = readJson<Index>('index.json');
const tableFiles = readdirSync(tableDir).filter((f) => f.endsWith('.json') && f !== 'index.json').sort();
const tables = new Map<string, Table>(tableFiles.map((f) => {
  const t = readJson<Table>(f);
  return [t.abi, t];
}));

function table(abi: string): Table {
  const t = tables.get(abi);
  if (!t) throw new Error(`no table for ${abi}`);
  return t;
}

function lookup(abi: string, nr: number): string | undefined {
  return table(abi).syscalls.find(([n]) => n === nr)?.[1];
}

describe('syscall tables: schema', () => {
  it('index.json lists exactly the table files', () => {
    expect(index.abis.map((a) => a.file).sort()).toEqual(tableFiles);
    expect(index.generated).toMatch(/^\d{4}-\d{2}-\d{2}/);
    expect(index.kernel).toMatch(/^\d+\.\d+(\.\d+)?$/);
    for (const a of index.abis) {
      expect(a.file).toBe(`${a.abi}.json`);
      expect(table(a.abi).auditArch).toBe(a.auditArch);
    }
  });

  it('has the core ABIs', () => {
    for (const abi of ['x86_64', 'i386', 'x32', 'aarch64', 'arm', 'riscv64', 'ppc64le', 's390x', 'mips', 'mips64', 'mipsn32', 'loongarch64']) {
      expect(tables.has(abi), abi).toBe(true);
    }
  });

  for (const file of tableFiles) {
    it(`${file} is well formed`, () => {
      const t = readJson<Table>(file);
      expect(Object.keys(t).sort()).toEqual(['abi', 'auditArch', 'auditArchMacro', 'kernel', 'numberFlag', 'source', 'syscalls']);
      expect(file).toBe(`${t.abi}.json`);
      expect(t.abi).toMatch(/^[a-z0-9_]+$/);
      expect(t.auditArch).toMatch(/^[0-9a-f]{8}$/);
      expect(t.auditArchMacro).toMatch(/^AUDIT_ARCH_[A-Z0-9_]+$/);
      expect(t.kernel).toBe(index.kernel);
      expect(t.source).toContain('linux-libc-dev');
      expect(Number.isInteger(t.numberFlag) && t.numberFlag >= 0).toBe(true);
      expect(t.syscalls.length).toBeGreaterThan(200);

      const problems: string[] = [];
      const names = new Set<string>();
      let prev = -1;
      for (const entry of t.syscalls) {
        const [n, name] = entry;
        if (entry.length !== 2 || !Number.isInteger(n) || n < 0 || n > 0xffffffff) problems.push(`bad entry ${JSON.stringify(entry)}`);
        if (n <= prev) problems.push(`not strictly sorted / duplicate number at ${n}`);
        if (!/^[a-z_][a-z0-9_]*$/.test(name)) problems.push(`bad name ${JSON.stringify(name)}`);
        if (names.has(name)) problems.push(`duplicate name ${name}`);
        if (t.numberFlag !== 0 && (n & t.numberFlag) !== t.numberFlag) problems.push(`${name}=${n} lacks flag ${t.numberFlag}`);
        names.add(name);
        prev = n;
      }
      expect(problems).toEqual([]);
    });
  }

  it('one auditArch per ABI, shared only where the kernel shares it (x32 uses AUDIT_ARCH_X86_64 plus a number flag)', () => {
    const byArch = new Map<string, string[]>();
    for (const t of tables.values()) byArch.set(t.auditArch, [...(byArch.get(t.auditArch) ?? []), t.abi]);
    const shared = [...byArch.values()].filter((abis) => abis.length > 1).map((abis) => abis.sort().join('+'));
    expect(shared).toEqual(['x32+x86_64']);
    expect(table('x32').numberFlag).toBe(0x40000000);
    for (const t of tables.values()) if (t.abi !== 'x32') expect(t.numberFlag, t.abi).toBe(0);
  });
});

describe('syscall tables: known facts', () => {
  it('setrlimit numbers', () => {
    expect(lookup('x86_64', 160)).toBe('setrlimit');
    expect(lookup('i386', 75)).toBe('setrlimit');
    expect(lookup('aarch64', 164)).toBe('setrlimit');
    expect(lookup('x32', 1073741984)).toBe('setrlimit');
    expect(lookup('mips', 4075)).toBe('setrlimit');
    expect(lookup('mips64', 5155)).toBe('setrlimit');
    expect(lookup('mipsn32', 6155)).toBe('setrlimit');
    expect(lookup('arm', 75)).toBe('setrlimit');
  });

  it('audit arch values', () => {
    expect(table('x86_64').auditArch).toBe('c000003e');
    expect(table('i386').auditArch).toBe('40000003');
    expect(table('aarch64').auditArch).toBe('c00000b7');
    expect(table('x32').auditArch).toBe('c000003e');
    expect(table('arm').auditArch).toBe('40000028');
    expect(table('riscv64').auditArch).toBe('c00000f3');
    expect(table('s390x').auditArch).toBe('80000016');
    expect(table('ppc64le').auditArch).toBe('c0000015');
  });

  it('mips tables carry their base, x32 its bit', () => {
    expect(table('mips').syscalls[0]?.[0]).toBe(4000);
    expect(table('mips64').syscalls[0]?.[0]).toBe(5000);
    expect(table('mipsn32').syscalls[0]?.[0]).toBe(6000);
    expect(table('x32').syscalls[0]).toEqual([0x40000000, 'read']);
  });
});

// ---------------------------------------------------------------------------
// Comparison with audit userspace's own tables (ausyscall <arch> --dump).

function findAusyscall(): string | undefined {
  const dirs = [process.env['SECCOMP_EXPLAIN_AUDIT_TOOLS'], ...(process.env['PATH'] ?? '').split(delimiter)];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, 'ausyscall');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

const ausyscall = findAusyscall();
const inCI = Boolean(process.env['CI']);

/**
 * Numbers where audit userspace names the syscall differently from the
 * kernel's uapi headers. These are long-standing naming choices in audit's
 * own tables (lib/*_table.h), not errors in our tables. Keyed "abi:number";
 * the value is [kernel name (ours), ausyscall name]. If ausyscall agrees with
 * the kernel name, the exception is simply unused.
 */
const KNOWN_NAME_DIFFERENCES: Record<string, [string, string]> = {
  // x86_64: audit keeps the pre-2.6 names without the "64" suffix.
  'x86_64:17': ['pread64', 'pread'],
  'x86_64:18': ['pwrite64', 'pwrite'],
  // i386: audit's table has a stray "sys_" prefix for kexec_load.
  'i386:283': ['kexec_load', 'sys_kexec_load'],
  // i386: the kernel's time64 entry is sched_rr_get_interval_time64.
  'i386:423': ['sched_rr_get_interval_time64', 'sched_rr_get_interval64'],
  // aarch64: audit uses the generic names without "64"/"new".
  'aarch64:61': ['getdents64', 'getdents'],
  'aarch64:67': ['pread64', 'pread'],
  'aarch64:68': ['pwrite64', 'pwrite'],
  'aarch64:80': ['fstat', 'newfstat'],
};

const AUSYSCALL_ABIS = ['x86_64', 'i386', 'aarch64'] as const;
const SKIP_REASON = ausyscall === undefined
  ? ' [skipped: ausyscall not found in $SECCOMP_EXPLAIN_AUDIT_TOOLS or PATH; run SECCOMP_EXPLAIN_AUDIT_TOOLS=$(scripts/fetch-audit-tools)]'
  : '';

describe('syscall tables: agree with ausyscall', () => {
  it.runIf(ausyscall === undefined && inCI)('CI must provide ausyscall (run scripts/fetch-audit-tools)', () => {
    expect.fail('ausyscall not found in $SECCOMP_EXPLAIN_AUDIT_TOOLS or PATH, and CI is set');
  });

  for (const abi of AUSYSCALL_ABIS) {
    it.skipIf(ausyscall === undefined)(`${abi} matches ausyscall ${abi} --dump${SKIP_REASON}`, () => {
      const out = execFileSync(ausyscall ?? 'ausyscall', [abi, '--dump'], { encoding: 'utf8' });
      const theirs = new Map<number, string>();
      for (const line of out.split('\n')) {
        const m = /^(\d+)\s+(\S+)\s*$/.exec(line);
        if (m && m[1] !== undefined && m[2] !== undefined) theirs.set(Number(m[1]), m[2]);
      }
      expect(theirs.size, 'ausyscall printed a table').toBeGreaterThan(200);

      const mismatches: string[] = [];
      let compared = 0;
      for (const [n, ours] of table(abi).syscalls) {
        const name = theirs.get(n);
        if (name === undefined) continue; // ausyscall's table may be older than the headers
        compared++;
        if (name === ours) continue;
        const known = KNOWN_NAME_DIFFERENCES[`${abi}:${n}`];
        if (known && known[0] === ours && known[1] === name) continue;
        mismatches.push(`${abi} ${n}: ours=${ours} ausyscall=${name}`);
      }
      expect(compared).toBeGreaterThan(200);
      expect(mismatches, `names differ from ausyscall:\n${mismatches.join('\n')}`).toEqual([]);
    });
  }
});
