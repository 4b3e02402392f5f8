/**
 * Generates syscall-tables/linux/<abi>.json from an unpacked Debian
 * `linux-libc-dev` package (which, since it became Architecture: all, ships
 * the uapi headers of every Debian architecture under usr/include/<triplet>/).
 *
 * Usage: node update-syscall-tables.js <unpacked-root> <out-dir> <package-version> <suite>
 *
 * It does not hardcode any syscall number or AUDIT_ARCH value: it runs a small
 * C preprocessor over each architecture's <asm/unistd.h> with the compiler
 * macros that select one ABI (e.g. __ILP32__ for x32, _MIPS_SIM for mips) and
 * evaluates every resulting __NR_* macro, and it evaluates the AUDIT_ARCH_*
 * macros of <linux/audit.h> (which is built from EM_* in <linux/elf-em.h>).
 * Shell plumbing (apt-get download, dpkg -x) lives in scripts/update-syscall-tables.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { SyscallTableData } from '../src/decode/syscall-table.js';
import { writeGeneratedIndex } from './generated-index.js';

// ---------------------------------------------------------------------------
// ABI definitions: which header directory, which compiler predefines, which
// AUDIT_ARCH macro. These are facts about compilers/ABIs, not table data.
// ---------------------------------------------------------------------------

interface AbiSpec {
  /** our ABI name, also the file name */
  abi: string;
  /** multiarch triplet directory under usr/include whose asm/ we read */
  triplet: string;
  /** compiler-predefined macros for this ABI (object-like, body as text) */
  predefines: Record<string, string>;
  /** AUDIT_ARCH_* macro name from linux/audit.h */
  auditArchMacro: string;
  /** macro whose value is or-ed into the syscall number the kernel logs (x32) */
  numberFlagMacro?: string;
  /** extra, arch-private syscall macro prefix to include (ARM's __ARM_NR_*) */
  privatePrefix?: string;
  /** the generated table header we expect to be included (sanity check) */
  expectHeader: string;
}

const LP64 = { __LP64__: '1', _LP64: '1', __SIZEOF_LONG__: '8', __SIZEOF_POINTER__: '8', __CHAR_BIT__: '8' };
const ILP32 = { __ILP32__: '1', _ILP32: '1', __SIZEOF_LONG__: '4', __SIZEOF_POINTER__: '4', __CHAR_BIT__: '8' };
const ILP32_NO_MACRO = { __SIZEOF_LONG__: '4', __SIZEOF_POINTER__: '4', __CHAR_BIT__: '8' };

const ABIS: AbiSpec[] = [
  { abi: 'x86_64', triplet: 'x86_64-linux-gnu', predefines: { __x86_64__: '1', ...LP64 }, auditArchMacro: 'AUDIT_ARCH_X86_64', expectHeader: 'unistd_64.h' },
  { abi: 'i386', triplet: 'x86_64-linux-gnu', predefines: { __i386__: '1', ...ILP32_NO_MACRO }, auditArchMacro: 'AUDIT_ARCH_I386', expectHeader: 'unistd_32.h' },
  // x32 has no AUDIT_ARCH of its own: the kernel reports AUDIT_ARCH_X86_64 and
  // the syscall number with __X32_SYSCALL_BIT set.
  { abi: 'x32', triplet: 'x86_64-linux-gnu', predefines: { __x86_64__: '1', ...ILP32 }, auditArchMacro: 'AUDIT_ARCH_X86_64', numberFlagMacro: '__X32_SYSCALL_BIT', expectHeader: 'unistd_x32.h' },
  { abi: 'aarch64', triplet: 'aarch64-linux-gnu', predefines: { __aarch64__: '1', ...LP64 }, auditArchMacro: 'AUDIT_ARCH_AARCH64', expectHeader: 'unistd_64.h' },
  { abi: 'arm', triplet: 'arm-linux-gnueabihf', predefines: { __arm__: '1', __ARM_EABI__: '1', __ARMEL__: '1', ...ILP32_NO_MACRO }, auditArchMacro: 'AUDIT_ARCH_ARM', privatePrefix: '__ARM_NR_', expectHeader: 'unistd-eabi.h' },
  { abi: 'armeb', triplet: 'arm-linux-gnueabihf', predefines: { __arm__: '1', __ARM_EABI__: '1', __ARMEB__: '1', ...ILP32_NO_MACRO }, auditArchMacro: 'AUDIT_ARCH_ARMEB', privatePrefix: '__ARM_NR_', expectHeader: 'unistd-eabi.h' },
  { abi: 'riscv64', triplet: 'riscv64-linux-gnu', predefines: { __riscv: '1', __riscv_xlen: '64', ...LP64 }, auditArchMacro: 'AUDIT_ARCH_RISCV64', expectHeader: 'unistd_64.h' },
  { abi: 'riscv32', triplet: 'riscv64-linux-gnu', predefines: { __riscv: '1', __riscv_xlen: '32', ...ILP32 }, auditArchMacro: 'AUDIT_ARCH_RISCV32', expectHeader: 'unistd_32.h' },
  { abi: 'loongarch64', triplet: 'loongarch64-linux-gnu', predefines: { __loongarch__: '1', __loongarch_grlen: '64', ...LP64 }, auditArchMacro: 'AUDIT_ARCH_LOONGARCH64', expectHeader: 'unistd_64.h' },
  { abi: 'loongarch32', triplet: 'loongarch64-linux-gnu', predefines: { __loongarch__: '1', __loongarch_grlen: '32', ...ILP32 }, auditArchMacro: 'AUDIT_ARCH_LOONGARCH32', expectHeader: 'unistd_32.h' },
  { abi: 'ppc64', triplet: 'powerpc64-linux-gnu', predefines: { __powerpc__: '1', __powerpc64__: '1', __BIG_ENDIAN__: '1', ...LP64 }, auditArchMacro: 'AUDIT_ARCH_PPC64', expectHeader: 'unistd_64.h' },
  { abi: 'ppc64le', triplet: 'powerpc64le-linux-gnu', predefines: { __powerpc__: '1', __powerpc64__: '1', __LITTLE_ENDIAN__: '1', ...LP64 }, auditArchMacro: 'AUDIT_ARCH_PPC64LE', expectHeader: 'unistd_64.h' },
  { abi: 'ppc', triplet: 'powerpc-linux-gnu', predefines: { __powerpc__: '1', __BIG_ENDIAN__: '1', ...ILP32_NO_MACRO }, auditArchMacro: 'AUDIT_ARCH_PPC', expectHeader: 'unistd_32.h' },
  { abi: 's390x', triplet: 's390x-linux-gnu', predefines: { __s390__: '1', __s390x__: '1', ...LP64 }, auditArchMacro: 'AUDIT_ARCH_S390X', expectHeader: 'unistd_64.h' },
  // s390 (31-bit compat) is only generated when the headers ship unistd_32.h for s390x.
  { abi: 's390', triplet: 's390x-linux-gnu', predefines: { __s390__: '1', ...ILP32_NO_MACRO }, auditArchMacro: 'AUDIT_ARCH_S390', expectHeader: 'unistd_32.h' },
  { abi: 'mips', triplet: 'mips-linux-gnu', predefines: { __mips__: '1', _MIPS_SIM: '_MIPS_SIM_ABI32', __MIPSEB__: '1', ...ILP32_NO_MACRO }, auditArchMacro: 'AUDIT_ARCH_MIPS', expectHeader: 'unistd_o32.h' },
  { abi: 'mipsel', triplet: 'mipsel-linux-gnu', predefines: { __mips__: '1', _MIPS_SIM: '_MIPS_SIM_ABI32', __MIPSEL__: '1', ...ILP32_NO_MACRO }, auditArchMacro: 'AUDIT_ARCH_MIPSEL', expectHeader: 'unistd_o32.h' },
  { abi: 'mips64', triplet: 'mips64-linux-gnuabi64', predefines: { __mips__: '1', __mips64: '1', _MIPS_SIM: '_MIPS_SIM_ABI64', __MIPSEB__: '1', ...LP64 }, auditArchMacro: 'AUDIT_ARCH_MIPS64', expectHeader: 'unistd_n64.h' },
  { abi: 'mips64el', triplet: 'mips64el-linux-gnuabi64', predefines: { __mips__: '1', __mips64: '1', _MIPS_SIM: '_MIPS_SIM_ABI64', __MIPSEL__: '1', ...LP64 }, auditArchMacro: 'AUDIT_ARCH_MIPSEL64', expectHeader: 'unistd_n64.h' },
  { abi: 'mipsn32', triplet: 'mips64-linux-gnuabi64', predefines: { __mips__: '1', __mips64: '1', _MIPS_SIM: '_MIPS_SIM_NABI32', __MIPSEB__: '1', ...ILP32 }, auditArchMacro: 'AUDIT_ARCH_MIPS64N32', expectHeader: 'unistd_n32.h' },
  { abi: 'mipsn32el', triplet: 'mips64el-linux-gnuabi64', predefines: { __mips__: '1', __mips64: '1', _MIPS_SIM: '_MIPS_SIM_NABI32', __MIPSEL__: '1', ...ILP32 }, auditArchMacro: 'AUDIT_ARCH_MIPSEL64N32', expectHeader: 'unistd_n32.h' },
  { abi: 'parisc', triplet: 'hppa-linux-gnu', predefines: { __hppa__: '1', ...ILP32_NO_MACRO }, auditArchMacro: 'AUDIT_ARCH_PARISC', expectHeader: 'unistd_32.h' },
  { abi: 'parisc64', triplet: 'hppa-linux-gnu', predefines: { __hppa__: '1', ...LP64 }, auditArchMacro: 'AUDIT_ARCH_PARISC64', expectHeader: 'unistd_64.h' },
  { abi: 'sparc', triplet: 'sparc64-linux-gnu', predefines: { __sparc__: '1', ...ILP32_NO_MACRO }, auditArchMacro: 'AUDIT_ARCH_SPARC', expectHeader: 'unistd_32.h' },
  { abi: 'sparc64', triplet: 'sparc64-linux-gnu', predefines: { __sparc__: '1', __arch64__: '1', ...LP64 }, auditArchMacro: 'AUDIT_ARCH_SPARC64', expectHeader: 'unistd_64.h' },
  { abi: 'alpha', triplet: 'alpha-linux-gnu', predefines: { __alpha__: '1', ...LP64 }, auditArchMacro: 'AUDIT_ARCH_ALPHA', expectHeader: 'unistd_32.h' },
  { abi: 'm68k', triplet: 'm68k-linux-gnu', predefines: { __m68k__: '1', ...ILP32_NO_MACRO }, auditArchMacro: 'AUDIT_ARCH_M68K', expectHeader: 'unistd_32.h' },
  // SuperH: Debian's sh4 is little-endian (AUDIT_ARCH_SHEL); the table is the same for big-endian sh.
  { abi: 'shel', triplet: 'sh4-linux-gnu', predefines: { __sh__: '1', __LITTLE_ENDIAN__: '1', ...ILP32_NO_MACRO }, auditArchMacro: 'AUDIT_ARCH_SHEL', expectHeader: 'unistd_32.h' },
  { abi: 'sh', triplet: 'sh4-linux-gnu', predefines: { __sh__: '1', __BIG_ENDIAN__: '1', ...ILP32_NO_MACRO }, auditArchMacro: 'AUDIT_ARCH_SH', expectHeader: 'unistd_32.h' },
];

/** __NR_* macros that are not system calls. Names with upper-case letters (__NR_Linux, __NR_SYSCALL_BASE, ...) are skipped as well. */
const NOT_SYSCALLS = new Set(['__NR_syscalls', '__NR_arch_specific_syscall', '__NR_Linux_syscalls']);

// ---------------------------------------------------------------------------
// A minimal C preprocessor: object-like #define, #undef, #if/#ifdef/#ifndef/
// #elif/#else/#endif, #include <...> (resolved in the triplet dir, then the
// common dir). Function-like macros are recorded as opaque and never expanded.
// ---------------------------------------------------------------------------

interface MacroDef {
  body: string;
  file: string;
  functionLike: boolean;
}

type Macros = Map<string, MacroDef>;

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');
}

function logicalLines(text: string): string[] {
  return stripComments(text.replace(/\\\r?\n/g, ' ')).split(/\r?\n/);
}

type Tok = { k: 'num'; v: bigint } | { k: 'id'; v: string } | { k: 'op'; v: string };

const OPS = ['<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '+', '-', '*', '/', '%', '&', '|', '^', '~', '!', '<', '>', '(', ')', '?', ':', ','];

function tokenize(expr: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i] ?? '';
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(0[xX][0-9a-fA-F]+|[0-9]+)[uUlL]*/.exec(expr.slice(i));
    if (num) {
      const lit = num[1] ?? '';
      let v: bigint;
      if (/^0[xX]/.test(lit)) v = BigInt(lit);
      else if (lit.length > 1 && lit.startsWith('0')) v = BigInt('0o' + lit.slice(1));
      else v = BigInt(lit);
      out.push({ k: 'num', v });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(expr.slice(i));
    if (id) {
      out.push({ k: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = OPS.find((o) => expr.startsWith(o, i));
    if (!op) throw new Error(`cannot tokenize ${JSON.stringify(expr)} at ${i}`);
    out.push({ k: 'op', v: op });
    i += op.length;
  }
  return out;
}

/** Expand object-like macros (and `defined X` / `defined(X)` when inIf). */
function expand(tokens: Tok[], macros: Macros, inIf: boolean, active: Set<string> = new Set()): Tok[] {
  const out: Tok[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t) continue;
    if (t.k === 'id' && inIf && t.v === 'defined') {
      let name: string | undefined;
      const n1 = tokens[i + 1];
      if (n1 && n1.k === 'op' && n1.v === '(') {
        const n2 = tokens[i + 2];
        name = n2 && n2.k === 'id' ? n2.v : undefined;
        i += 3;
      } else {
        name = n1 && n1.k === 'id' ? n1.v : undefined;
        i += 1;
      }
      if (name === undefined) throw new Error('malformed defined()');
      out.push({ k: 'num', v: macros.has(name) ? 1n : 0n });
      continue;
    }
    if (t.k === 'id' && !active.has(t.v)) {
      const def = macros.get(t.v);
      if (def && !def.functionLike) {
        const inner = new Set(active);
        inner.add(t.v);
        out.push(...expand(tokenize(def.body), macros, inIf, inner));
        continue;
      }
    }
    out.push(t);
  }
  return out;
}

/** Evaluate a C integer constant expression (BigInt, wrapped to 64 bits for ~). */
function evaluate(tokens: Tok[], undefinedIsZero: boolean): bigint {
  let pos = 0;
  const peek = (): Tok | undefined => tokens[pos];
  const isOp = (v: string): boolean => {
    const t = peek();
    return t !== undefined && t.k === 'op' && t.v === v;
  };
  const take = (v: string): void => {
    if (!isOp(v)) throw new Error(`expected ${v} in ${render(tokens)}`);
    pos++;
  };
  const primary = (): bigint => {
    const t = peek();
    if (!t) throw new Error(`unexpected end of ${render(tokens)}`);
    pos++;
    if (t.k === 'num') return t.v;
    if (t.k === 'id') {
      if (undefinedIsZero) return 0n;
      throw new Error(`undefined identifier ${t.v} in ${render(tokens)}`);
    }
    if (t.v === '(') {
      const v = ternary();
      take(')');
      return v;
    }
    if (t.v === '-') return -primary();
    if (t.v === '+') return primary();
    if (t.v === '~') return BigInt.asUintN(64, ~primary());
    if (t.v === '!') return primary() === 0n ? 1n : 0n;
    throw new Error(`unexpected ${t.v} in ${render(tokens)}`);
  };
  const levels: string[][] = [['*', '/', '%'], ['+', '-'], ['<<', '>>'], ['<', '>', '<=', '>='], ['==', '!='], ['&'], ['^'], ['|'], ['&&'], ['||']];
  const binary = (level: number): bigint => {
    if (level < 0) return primary();
    const ops = levels[level] ?? [];
    let left = binary(level - 1);
    for (;;) {
      const t = peek();
      if (!t || t.k !== 'op' || !ops.includes(t.v)) return left;
      pos++;
      const right = binary(level - 1);
      left = applyOp(t.v, left, right);
    }
  };
  const ternary = (): bigint => {
    const cond = binary(levels.length - 1);
    if (!isOp('?')) return cond;
    pos++;
    const a = ternary();
    take(':');
    const b = ternary();
    return cond !== 0n ? a : b;
  };
  const v = ternary();
  if (pos !== tokens.length) throw new Error(`trailing tokens in ${render(tokens)}`);
  return v;
}

function applyOp(op: string, a: bigint, b: bigint): bigint {
  switch (op) {
    case '*': return a * b;
    case '/': return a / b;
    case '%': return a % b;
    case '+': return a + b;
    case '-': return a - b;
    case '<<': return a << b;
    case '>>': return a >> b;
    case '<': return a < b ? 1n : 0n;
    case '>': return a > b ? 1n : 0n;
    case '<=': return a <= b ? 1n : 0n;
    case '>=': return a >= b ? 1n : 0n;
    case '==': return a === b ? 1n : 0n;
    case '!=': return a !== b ? 1n : 0n;
    case '&': return a & b;
    case '^': return a ^ b;
    case '|': return a | b;
    case '&&': return a !== 0n && b !== 0n ? 1n : 0n;
    case '||': return a !== 0n || b !== 0n ? 1n : 0n;
    default: throw new Error(`unknown operator ${op}`);
  }
}

function render(tokens: Tok[]): string {
  return tokens.map((t) => String(t.v)).join(' ');
}

/** Includes we follow; anything else (linux/types.h ...) is irrelevant to syscall numbers. */
const FOLLOW_INCLUDE = /^(asm\/unistd[^/]*\.h|asm\/sgidefs\.h|asm\/bitsperlong\.h|asm-generic\/bitsperlong\.h|asm-generic\/unistd\.h|linux\/elf-em\.h)$/;

class Preprocessor {
  readonly macros: Macros = new Map();
  readonly included: string[] = [];

  constructor(private readonly searchDirs: string[], private readonly root: string) {}

  define(name: string, body: string, file = '<predefined>'): void {
    this.macros.set(name, { body, file, functionLike: false });
  }

  resolve(name: string): string | undefined {
    for (const dir of this.searchDirs) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
    return undefined;
  }

  includeFile(name: string, depth = 0): void {
    if (depth > 20) throw new Error(`include depth exceeded at ${name}`);
    const path = this.resolve(name);
    if (!path) throw new Error(`cannot find <${name}> in ${this.searchDirs.join(', ')}`);
    const rel = relative(this.root, path);
    this.included.push(rel);
    // stack of [thisBranchActive, someBranchTaken, parentActive]
    const stack: Array<{ active: boolean; taken: boolean; parent: boolean }> = [];
    const isActive = (): boolean => stack.every((s) => s.active);
    for (const raw of logicalLines(readFileSync(path, 'utf8'))) {
      const m = /^\s*#\s*(\w+)\s*(.*?)\s*$/.exec(raw);
      if (!m) continue;
      const directive = m[1] ?? '';
      const rest = m[2] ?? '';
      switch (directive) {
        case 'if':
        case 'ifdef':
        case 'ifndef': {
          const parent = isActive();
          let cond = false;
          if (parent) {
            if (directive === 'ifdef') cond = this.macros.has(rest.trim());
            else if (directive === 'ifndef') cond = !this.macros.has(rest.trim());
            else cond = this.cond(rest);
          }
          stack.push({ active: parent && cond, taken: parent && cond, parent });
          break;
        }
        case 'elif': {
          const top = stack[stack.length - 1];
          if (!top) throw new Error(`#elif without #if in ${rel}`);
          const cond = top.parent && !top.taken && this.cond(rest);
          top.active = cond;
          top.taken = top.taken || cond;
          break;
        }
        case 'else': {
          const top = stack[stack.length - 1];
          if (!top) throw new Error(`#else without #if in ${rel}`);
          top.active = top.parent && !top.taken;
          top.taken = true;
          break;
        }
        case 'endif':
          if (!stack.pop()) throw new Error(`#endif without #if in ${rel}`);
          break;
        default:
          if (!isActive()) break;
          if (directive === 'define') {
            const d = /^([A-Za-z_]\w*)(\()?\s*(.*)$/.exec(rest);
            if (!d || d[1] === undefined) throw new Error(`bad #define in ${rel}: ${raw}`);
            this.macros.set(d[1], { body: (d[3] ?? '').trim(), file: rel, functionLike: d[2] !== undefined });
          } else if (directive === 'undef') {
            this.macros.delete(rest.trim());
          } else if (directive === 'include') {
            const inc = /^[<"]([^>"]+)[>"]/.exec(rest);
            if (inc && inc[1] !== undefined && FOLLOW_INCLUDE.test(inc[1])) this.includeFile(inc[1], depth + 1);
          } else if (directive === 'error') {
            throw new Error(`#error in ${rel}: ${rest}`);
          }
      }
    }
    if (stack.length !== 0) throw new Error(`unterminated #if in ${rel}`);
  }

  cond(expr: string): boolean {
    return evaluate(expand(tokenize(expr), this.macros, true), true) !== 0n;
  }

  value(name: string): bigint {
    const def = this.macros.get(name);
    if (!def) throw new Error(`${name} is not defined`);
    return evaluate(expand(tokenize(name), this.macros, false), false);
  }
}

// ---------------------------------------------------------------------------

/** The file format the runtime loader reads. */
export type SyscallTable = SyscallTableData;

function auditArchValues(includeRoot: string): Map<string, bigint> {
  const pp = new Preprocessor([includeRoot], includeRoot);
  // linux/audit.h includes linux/types.h (not followed) and linux/elf-em.h (followed).
  pp.includeFile('linux/audit.h');
  const out = new Map<string, bigint>();
  for (const [name, def] of pp.macros) {
    if (!/^AUDIT_ARCH_[A-Z0-9_]+$/.test(name) || def.functionLike) continue;
    out.set(name, pp.value(name));
  }
  return out;
}

function kernelVersion(includeRoot: string): string {
  const pp = new Preprocessor([includeRoot], includeRoot);
  pp.includeFile('linux/version.h');
  const parts = ['LINUX_VERSION_MAJOR', 'LINUX_VERSION_PATCHLEVEL', 'LINUX_VERSION_SUBLEVEL'].map((m) => pp.value(m).toString());
  return parts.join('.');
}

function buildTable(spec: AbiSpec, root: string, includeRoot: string, auditArchs: Map<string, bigint>, kernel: string, pkgDesc: string): SyscallTable | string {
  const tripletDir = join(includeRoot, spec.triplet);
  if (!existsSync(join(tripletDir, 'asm', 'unistd.h'))) return `no ${spec.triplet}/asm/unistd.h`;
  const audit = auditArchs.get(spec.auditArchMacro);
  if (audit === undefined) return `linux/audit.h has no ${spec.auditArchMacro}`;
  const pp = new Preprocessor([tripletDir, includeRoot], root);
  for (const [k, v] of Object.entries(spec.predefines)) pp.define(k, v);
  try {
    pp.includeFile('asm/unistd.h');
  } catch (e) {
    return `preprocessing failed: ${(e as Error).message}`;
  }
  const tableFile = pp.included.find((f) => f.endsWith('/asm/' + spec.expectHeader));
  if (!tableFile) return `asm/unistd.h did not include ${spec.expectHeader} (included: ${pp.included.join(', ')})`;

  const byNumber = new Map<number, string>();
  const files = new Set<string>();
  for (const [macro, def] of pp.macros) {
    let name: string;
    if (macro.startsWith('__NR_')) {
      name = macro.slice('__NR_'.length);
      if (NOT_SYSCALLS.has(macro) || /[A-Z]/.test(name)) continue;
      // Aliases such as alpha's `#define __NR_getpid __NR_getxpid` or arm's
      // `#define __NR_sync_file_range2 __NR_arm_sync_file_range` are not the
      // kernel's name for the number; the generated table already has it.
      if (/^[A-Za-z_]\w*$/.test(def.body)) continue;
    } else if (spec.privatePrefix && macro.startsWith(spec.privatePrefix)) {
      name = macro.slice(spec.privatePrefix.length);
      if (/[A-Z]/.test(name)) continue; // __ARM_NR_BASE
    } else {
      continue;
    }
    if (def.functionLike) continue;
    const value = pp.value(macro);
    if (value < 0n || value > 0xffffffffn) throw new Error(`${spec.abi}: ${macro} = ${value} out of range`);
    const n = Number(value);
    const prev = byNumber.get(n);
    if (prev !== undefined && prev !== name) throw new Error(`${spec.abi}: number ${n} is both ${prev} and ${name}`);
    byNumber.set(n, name);
    files.add(def.file);
  }
  if (byNumber.size === 0) return 'no __NR_ macros found';
  const numberFlag = spec.numberFlagMacro ? Number(pp.value(spec.numberFlagMacro)) : 0;
  if (numberFlag !== 0) {
    for (const [n, name] of byNumber) if ((n & numberFlag) === 0) throw new Error(`${spec.abi}: ${name}=${n} lacks flag ${numberFlag}`);
  }
  const fileList = [tableFile, ...[...files].filter((f) => f !== tableFile).sort()];
  return {
    abi: spec.abi,
    auditArch: audit.toString(16).padStart(8, '0'),
    auditArchMacro: spec.auditArchMacro,
    numberFlag,
    kernel,
    source: `${pkgDesc}: ${fileList.join(', ')}`,
    syscalls: [...byNumber.entries()].sort((a, b) => a[0] - b[0]),
  };
}

/** JSON with one syscall per line: readable diffs when the tables are refreshed. */
function formatTable(t: SyscallTable): string {
  const head = { ...t, syscalls: '@@' };
  const body = t.syscalls.map(([n, name]) => `    [${n}, ${JSON.stringify(name)}]`).join(',\n');
  return JSON.stringify(head, null, 2).replace('"@@"', `[\n${body}\n  ]`) + '\n';
}

function main(argv: string[]): number {
  const [root, outDir, pkgVersion, suite] = argv;
  if (!root || !outDir || !pkgVersion || !suite) {
    process.stderr.write('usage: update-syscall-tables.js <unpacked-root> <out-dir> <package-version> <suite>\n');
    return 2;
  }
  const includeRoot = join(root, 'usr', 'include');
  const kernel = kernelVersion(includeRoot);
  const pkgDesc = `linux-libc-dev ${pkgVersion} (Debian ${suite})`;
  const auditArchs = auditArchValues(includeRoot);

  mkdirSync(outDir, { recursive: true });
  let changed = false;
  const written: SyscallTable[] = [];
  const skipped: string[] = [];
  for (const spec of ABIS) {
    const t = buildTable(spec, root, includeRoot, auditArchs, kernel, pkgDesc);
    if (typeof t === 'string') {
      skipped.push(`${spec.abi} (${spec.auditArchMacro}): ${t}`);
      continue;
    }
    const file = join(outDir, `${t.abi}.json`);
    const text = formatTable(t);
    if (!existsSync(file) || readFileSync(file, 'utf8') !== text) {
      writeFileSync(file, text);
      changed = true;
    }
    written.push(t);
    process.stderr.write(`${t.abi.padEnd(12)} ${t.auditArch} ${String(t.syscalls.length).padStart(4)} syscalls\n`);
  }
  // Remove tables of ABIs that are no longer generated (idempotent refresh).
  const keep = new Set(written.map((t) => `${t.abi}.json`));
  for (const f of readdirSync(outDir)) {
    if (f.endsWith('.json') && f !== 'index.json' && !keep.has(f)) {
      unlinkSync(join(outDir, f));
      changed = true;
    }
  }
  const covered = new Set(written.map((t) => t.auditArchMacro));
  const noTable = [...auditArchs.keys()].filter((m) => !covered.has(m)).sort();
  const indexFile = join(outDir, 'index.json');
  const index = {
    kernel,
    source: `${pkgDesc}: usr/include/<triplet>/asm/unistd*.h, usr/include/linux/audit.h, usr/include/linux/elf-em.h`,
    generated: new Date().toISOString().slice(0, 10),
    abis: written.map((t) => ({ abi: t.abi, auditArch: t.auditArch, file: `${t.abi}.json` })),
  };
  writeGeneratedIndex(indexFile, index, changed);
  for (const s of skipped) process.stderr.write(`skipped ${s}\n`);
  process.stderr.write(`AUDIT_ARCH values without a table: ${noTable.join(' ')}\n`);
  process.stderr.write(`wrote ${written.length} tables for kernel ${kernel} to ${outDir}\n`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
