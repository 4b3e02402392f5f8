import type { AuditRecord, RecordFormat, RecordOrigin } from '../records/index.js';
import type { DenialNote } from './denial-note.js';
import { decodeAction, type SeccompAction } from './seccomp-action.js';
import { signalName } from './signal-name.js';
import type { AbiRegistry, SyscallTable } from './syscall-table.js';

/** One decoded seccomp event: the type every later stage takes as it is. */
export interface Denial {
  /** Milliseconds since the epoch, or null when the record does not tell. */
  time: number | null;
  /** False when the time is a syslog stamp to the second (journald's text audit transport). */
  timePrecise: boolean;
  serial: number | null;
  host: string | null;
  pid: number | null;
  comm: string | null;
  exe: string | null;
  /** Numeric uid; null when unset (4294967295) or only a name is known. */
  uid: number | null;
  /** The user name where the log interpreted it (`ausearch -i`, ENRICHED). */
  user: string | null;
  auid: number | null;
  /** The audit session (`ses=`); null when unset. Inherited by every child, and kept by a process that changes its uid: `run` knows its processes by it. */
  ses: number | null;
  /** The logged `arch=`: AUDIT_ARCH value, 8 lower-case hex digits. */
  arch: string | null;
  /** Our ABI name (`x86_64`, `i386`, `x32`, `aarch64`…), null when no table has the arch. */
  abi: string | null;
  /** The syscall number as logged (x32 numbers carry 0x40000000). */
  nr: number | null;
  /** The syscall name from our table, null when no table knows the number. */
  syscall: string | null;
  action: SeccompAction;
  /** The logged `code=` text. */
  code: string | null;
  signal: string | null;
  compat: boolean | null;
  ip: string | null;
  format: RecordFormat;
  /** Things the reader should know: assumptions made, names the log disagreed on. */
  notes: DenialNote[];
  /** Where the line says it came from; absent for a denial read back from the store, which does not keep it. */
  origin?: RecordOrigin;
  /** The line the record was read from. */
  text: string;
}

export interface DecodeOptions {
  tables: AbiRegistry;
  /** The ABI assumed for records without `arch=` (pre-1326 kernels). */
  assumedAbi: string;
}

export type DecodeResult = { denial: Denial } | { malformed: string };

const UNSET_ID = 4294967295;
const DIGIT_0 = 0x30;
const MINUS = 0x2d;

/** The value of 1 to 10 decimal digits, with a leading `-` if `signed`; else null. Read in place: this runs for several fields of every record. */
function parseDecimal(text: string | undefined, signed = false): number | null {
  if (text === undefined) return null;
  const negative = signed && text.charCodeAt(0) === MINUS;
  const start = negative ? 1 : 0;
  const digits = text.length - start;
  if (digits < 1 || digits > 10) return null;
  let value = 0;
  for (let index = start; index < text.length; index++) {
    const digit = text.charCodeAt(index) - DIGIT_0;
    if (digit < 0 || digit > 9) return null;
    value = value * 10 + digit;
  }
  return negative ? -value : value;
}

function parseId(text: string | undefined): number | null {
  const value = parseDecimal(text);
  return value === null || value === UNSET_ID ? null : value;
}

/** A user name from an interpreted form; `unset` and quoted forms normalised. */
function userName(text: string | undefined): string | null {
  if (text === undefined) return null;
  const name = text.replace(/^"|"$/g, '');
  if (name === '' || name === 'unset' || /^\d+$/.test(name)) return null;
  return name;
}

/** The hex texts of the arch values seen: a few, asked for on every record. */
const HEX_ARCH_TEXTS = new Map<number, string>();

function hexArch(value: number): string {
  let text = HEX_ARCH_TEXTS.get(value);
  if (text === undefined) {
    text = value.toString(16).padStart(8, '0');
    if (HEX_ARCH_TEXTS.size < 256) HEX_ARCH_TEXTS.set(value, text);
  }
  return text;
}

/** `unknown-syscall(1073741984)`, how auparse names a number its table lacks. */
function unknownSyscallNumber(name: string): number | null {
  const match = /^unknown-syscall\((-?\d+)\)$/.exec(name);
  return match ? Number(match[1]) : null;
}

interface SyscallIdentity {
  table: SyscallTable | null;
  arch: string | null;
  nr: number | null;
  syscall: string | null;
}

function identifyRaw(record: AuditRecord, options: DecodeOptions, notes: DenialNote[]): SyscallIdentity | string {
  const nr = parseDecimal(record.fields.syscall, true);
  if (nr === null) return `syscall=${record.fields.syscall ?? ''} is not a number`;
  let table: SyscallTable | null;
  let arch: string | null = null;
  if (record.fields.arch === undefined) {
    table = options.tables.forAbi(options.assumedAbi);
    notes.push({ code: 'assumed-abi', abi: options.assumedAbi });
    arch = table ? hexArch(table.auditArch) : null;
  } else {
    if (!/^[0-9a-fA-F]{1,8}$/.test(record.fields.arch)) return `arch=${record.fields.arch} is not an audit arch`;
    const value = Number.parseInt(record.fields.arch, 16);
    arch = hexArch(value);
    table = options.tables.forRecord(value, nr);
  }
  const syscall = table?.nameOf(nr) ?? null;
  const theirs = record.enriched.SYSCALL;
  if (syscall !== null && theirs !== undefined && theirs !== syscall && unknownSyscallNumber(theirs) === null) {
    notes.push({ code: 'auditd-named-differently', name: theirs });
  }
  return { table, arch, nr, syscall };
}

/** The table for an `ausearch -i` arch: a name, or `unknown-elf-type(c00000f3)` for a value auparse lacks. */
function interpretedArchTable(archName: string, nr: number | null, options: DecodeOptions): SyscallTable | null {
  const unnamed = /^unknown-elf-type\(([0-9a-fA-F]{1,8})\)$/.exec(archName);
  if (unnamed) return options.tables.forRecord(Number.parseInt(unnamed[1] as string, 16), nr);
  return options.tables.forAbi(archName);
}

function identifyInterpreted(record: AuditRecord, options: DecodeOptions, notes: DenialNote[]): SyscallIdentity | string {
  const archName = record.fields.arch ?? '';
  const archTable = interpretedArchTable(archName, null, options);
  if (!archTable) {
    notes.push({ code: 'interpreted-arch-unknown', arch: archName });
  }
  const said = record.fields.syscall ?? '';
  const number = unknownSyscallNumber(said) ?? (/^\d+$/.test(said) ? Number(said) : null);
  if (number !== null) {
    const table = archTable ? options.tables.forRecord(archTable.auditArch, number) : null;
    return { table, arch: table ? hexArch(table.auditArch) : null, nr: number, syscall: table?.nameOf(number) ?? null };
  }
  if (!archTable) return { table: null, arch: null, nr: null, syscall: null };
  const nr = archTable.numberOf(said);
  if (nr === null) notes.push({ code: 'interpreted-syscall-unknown', name: said, abi: archTable.abi });
  return { table: archTable, arch: hexArch(archTable.auditArch), nr, syscall: nr === null ? null : said };
}

/** Decodes one record's numbers: ABI, syscall name, action, signal, ids. Pure. */
export function decodeRecord(record: AuditRecord, options: DecodeOptions): DecodeResult {
  const notes: DenialNote[] = record.repairs ? [{ code: 'repaired-paste', repairs: [...record.repairs] }] : [];
  const identity = record.interpreted
    ? identifyInterpreted(record, options, notes)
    : identifyRaw(record, options, notes);
  if (typeof identity === 'string') return { malformed: identity };
  const { table, arch, nr, syscall } = identity;
  if (arch !== null && table === null) notes.push({ code: 'arch-unknown', arch });

  const code = record.fields.code ?? null;
  const decodedAction = code === null ? { action: 'unknown' as const, note: { code: 'no-action-code' } as const } : decodeAction(code);
  if (decodedAction.note) notes.push(decodedAction.note);

  const abi = table?.abi ?? null;
  const sigText = record.fields.sig;
  const sigNumber = parseDecimal(sigText);
  const signal = sigNumber !== null ? signalName(sigNumber, abi) : sigText && /^SIG[A-Z0-9]+$/.test(sigText) ? sigText : null;
  if (signal === 'SIGKILL' && (decodedAction.action === 'kill_thread' || decodedAction.action === 'kill_process')) {
    notes.push({ code: 'strict-mode-kill' });
  }
  const compat = record.fields.compat === '1' ? true : record.fields.compat === '0' ? false : null;

  return {
    denial: {
      time: record.time,
      timePrecise: record.timePrecise,
      serial: record.serial,
      host: record.host,
      pid: parseDecimal(record.fields.pid),
      comm: record.fields.comm ?? null,
      exe: record.fields.exe ?? null,
      uid: parseId(record.fields.uid),
      user: userName(record.interpreted ? record.fields.uid : record.enriched.UID),
      auid: parseId(record.fields.auid),
      ses: parseId(record.fields.ses),
      arch,
      abi,
      nr,
      syscall,
      action: decodedAction.action,
      code,
      signal,
      compat,
      ip: record.fields.ip ?? null,
      format: record.format,
      notes,
      origin: record.origin,
      text: record.text,
    },
  };
}
