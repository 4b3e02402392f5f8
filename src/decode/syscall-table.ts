/** One ABI's syscall table: number ↔ name, as the kernel logs the numbers. */
export interface SyscallTableData {
  abi: string;
  /** AUDIT_ARCH_* value, 8 lower-case hex digits. */
  auditArch: string;
  auditArchMacro: string;
  /** A bit set in every logged number of this ABI (x32: 0x40000000), else 0. */
  numberFlag: number;
  kernel: string;
  source: string;
  syscalls: [number, string][];
}

export class SyscallTable {
  readonly abi: string;
  readonly auditArch: number;
  readonly numberFlag: number;
  readonly kernel: string;
  readonly source: string;
  private readonly names = new Map<number, string>();
  private readonly numbers = new Map<string, number>();

  constructor(data: SyscallTableData) {
    this.abi = data.abi;
    this.auditArch = Number.parseInt(data.auditArch, 16);
    this.numberFlag = data.numberFlag;
    this.kernel = data.kernel;
    this.source = data.source;
    for (const [nr, name] of data.syscalls) {
      if (!this.names.has(nr)) this.names.set(nr, name);
      if (!this.numbers.has(name)) this.numbers.set(name, nr);
    }
  }

  /** The syscall name for a number as logged, or null when this table has no such number. */
  nameOf(nr: number): string | null {
    return this.names.get(nr) ?? null;
  }

  /** The number as logged for a syscall name, or null when this ABI has no such call. */
  numberOf(name: string): number | null {
    return this.numbers.get(name) ?? null;
  }

  /** Whether a logged number belongs to this table's numbering (its flag bit is set exactly). */
  ownsNumber(nr: number): boolean {
    return this.numberFlag === 0 ? true : (nr & this.numberFlag) === this.numberFlag;
  }

  entries(): IterableIterator<[number, string]> {
    return this.names.entries();
  }
}

/** Other spellings of ABI names: ausearch's and the kernel's machine names. */
const ABI_ALIASES: Record<string, string> = {
  x86: 'i386',
  armv5tel: 'arm',
  armv6l: 'arm',
  armv7l: 'arm',
  armv8l: 'arm',
  i686: 'i386',
  'x86-64': 'x86_64',
  amd64: 'x86_64',
  arm64: 'aarch64',
  mips64n32: 'mipsn32',
  mips64eln32: 'mipsn32el',
  mips64eln: 'mipsn32el',
  powerpc: 'ppc',
  powerpc64: 'ppc64',
  powerpc64le: 'ppc64le',
  loong64: 'loongarch64',
  hppa: 'parisc',
};

/** An ABI whose table is read only when a record needs it. */
export interface SyscallTableEntry {
  abi: string;
  /** AUDIT_ARCH value. */
  auditArch: number;
  load(): SyscallTable;
}

/**
 * Every ABI we have a table for, looked up by audit arch, by name, or by alias. A table is
 * loaded on first use: a log of one architecture parses one or two of them, not thirty.
 */
export class AbiRegistry {
  private readonly entries = new Map<string, SyscallTableEntry>();
  private readonly loaded = new Map<string, SyscallTable>();
  /** The tables of each audit arch seen, flagged ones (x32) first. */
  private readonly byArch = new Map<number, SyscallTable[]>();

  constructor(entries: SyscallTableEntry[]) {
    for (const entry of entries) this.entries.set(entry.abi, entry);
  }

  private table(entry: SyscallTableEntry): SyscallTable {
    let table = this.loaded.get(entry.abi);
    if (!table) {
      table = entry.load();
      this.loaded.set(entry.abi, table);
    }
    return table;
  }

  /** The table for a logged `arch=` value and syscall number (x32 shares x86_64's arch). */
  forRecord(auditArch: number, nr: number | null): SyscallTable | null {
    let candidates = this.byArch.get(auditArch);
    if (!candidates) {
      candidates = [...this.entries.values()]
        .filter((entry) => entry.auditArch === auditArch)
        .map((entry) => this.table(entry))
        // Tables with a number flag (x32) are tried before the plain table of the same arch.
        .sort((a, b) => b.numberFlag - a.numberFlag);
      this.byArch.set(auditArch, candidates);
    }
    for (const table of candidates) {
      if (table.numberFlag === 0 || (nr !== null && table.ownsNumber(nr))) return table;
    }
    return null;
  }

  /** The table for an ABI name (ours, or a known alias such as `arm64` or `x86`). */
  forAbi(name: string): SyscallTable | null {
    const key = name.toLowerCase();
    const entry = this.entries.get(key) ?? this.entries.get(ABI_ALIASES[key] ?? '');
    return entry ? this.table(entry) : null;
  }

  abiNames(): string[] {
    return [...this.entries.keys()];
  }
}
