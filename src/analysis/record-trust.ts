import type { Denial, DenialNote } from '../decode/index.js';
import type { RecordFormat, RecordOrigin, SenderTag, UnitExitRecord } from '../records/index.js';

/**
 * What vouches for an input as a whole: a file only root can write, read from disk; or
 * nothing (standard input, a user's file), so that each line must vouch for itself.
 */
export type InputProvenance =
  /** `journalctl -o json` that seccomp-explain ran itself: journald's own fields are journald's. */
  | { code: 'own-journal' }
  | { code: 'root-only-file'; path: string }
  | { code: 'anyone' };

/**
 * Whether a record or an exit message provably came from the kernel, auditd or PID 1, and
 * how (docs/security.md). Part of `suggest --json` (`verified`).
 */
export type Verification =
  /** A journal entry journald received from the kernel or the audit subsystem (`_TRANSPORT`). */
  | { code: 'journal-transport'; transport: string }
  /** A journal entry PID 1 or systemd-coredump logged as root (`_PID`, `_UID`, `_COMM`). */
  | { code: 'journal-sender'; sender: 'pid1' | 'systemd-coredump' }
  /** A line of auditd's own log, read from a file only root can write. */
  | { code: 'audit-log'; path: string }
  /** A text line matched, field for field, to an entry of the journal or auditd's log. */
  | { code: 'confirmed'; by: string }
  /** The user said the input is trusted (`--trust-input`). */
  | { code: 'trusted-input' }
  /** Nothing proves where it came from. */
  | { code: 'unverified'; reason: UnverifiedReason }
  /** Logged under a name the kernel, auditd or PID 1 never use: never taken for theirs. */
  | { code: 'impossible-sender'; sender: string };

export type UnverifiedReason =
  /** Text: anyone can log a line that reads the same. */
  | 'text'
  /**
   * Journal JSON that seccomp-explain did not read itself: a pipe or a file can hold lines that
   * only look like journalctl's (a `-o cat` of a user's message, a user's file).
   */
  | 'journal-copy'
  /** A journal entry from a transport or process any local user can use. */
  | 'journal-client'
  /** Read back from the history store, which keeps no origin. */
  | 'stored'
  /**
   * Read leniently, as pasted text (a `repaired-paste` note): the repairs may have misread it,
   * so `--trust-input` does not vouch for it; only a matching entry of a trusted log does.
   */
  | 'repaired-paste';

export function isTrusted(verification: Verification): boolean {
  return verification.code !== 'unverified' && verification.code !== 'impossible-sender';
}

/** Whether a confirmation or `--trust-input` may still vouch for it. */
export function canBeVouchedFor(verification: Verification): boolean {
  return verification.code === 'unverified' && verification.reason !== 'repaired-paste';
}

/** Whether a denial was read leniently, as pasted text. */
function wasRepaired(denial: { notes?: readonly DenialNote[] }): boolean {
  return denial.notes !== undefined && denial.notes.some((note) => note.code === 'repaired-paste');
}

function senderText(sender: SenderTag): string {
  return sender.pid === null ? sender.name : `${sender.name}[${sender.pid}]`;
}

const AUDITD_FORMATS: ReadonlySet<RecordFormat> = new Set(['auditd', 'auditd-enriched']);

/** The syslog names a kernel or audit record is logged under: `kernel:`, `audit[PID]:`, `audit:`. */
function senderCanLogRecord(format: RecordFormat, sender: SenderTag): boolean {
  if (format === 'kernel' || format === 'kernel-abend') return sender.name === 'kernel' && sender.pid === null;
  if (format === 'journal-audit') return sender.name === 'audit';
  // auditd's records reach syslog through its dispatcher plugins, under names of their own.
  return true;
}

/** How far a record's own line vouches for it, given what vouches for its input. */
export function verifyDenial(denial: Pick<Denial, 'format' | 'origin'> & Partial<Pick<Denial, 'notes'>>, input: InputProvenance): Verification {
  const origin = denial.origin;
  if (origin === undefined) return { code: 'unverified', reason: 'stored' };
  if (wasRepaired(denial)) return { code: 'unverified', reason: 'repaired-paste' };
  if (origin.channel === 'journal') {
    if (origin.framed || (origin.transport !== 'kernel' && origin.transport !== 'audit')) return { code: 'unverified', reason: 'journal-client' };
    return input.code === 'own-journal' ? { code: 'journal-transport', transport: origin.transport } : { code: 'unverified', reason: 'journal-copy' };
  }
  if (origin.sender !== null && !senderCanLogRecord(denial.format, origin.sender)) {
    return { code: 'impossible-sender', sender: senderText(origin.sender) };
  }
  if (input.code === 'root-only-file' && !origin.framed && AUDITD_FORMATS.has(denial.format)) {
    return { code: 'audit-log', path: input.path };
  }
  return { code: 'unverified', reason: 'text' };
}

function journalExitSender(origin: Extract<RecordOrigin, { channel: 'journal' }>, exit: UnitExitRecord, input: InputProvenance): Verification {
  const pid1 = exit.source === 'exit-message' && origin.pid === 1;
  const coredump = exit.source === 'coredump' && origin.comm === 'systemd-coredump';
  if (origin.uid !== 0 || origin.framed || !(pid1 || coredump)) return { code: 'unverified', reason: 'journal-client' };
  if (input.code !== 'own-journal') return { code: 'unverified', reason: 'journal-copy' };
  return { code: 'journal-sender', sender: pid1 ? 'pid1' : 'systemd-coredump' };
}

/** How far an exit message or coredump entry vouches for itself: only PID 1 and systemd-coredump say which unit died. */
export function verifyUnitExit(exit: UnitExitRecord, input: InputProvenance): Verification {
  const origin = exit.origin;
  if (origin.channel === 'journal') return journalExitSender(origin, exit, input);
  const sender = origin.sender;
  if (sender !== null && !(sender.name === 'systemd' && sender.pid === 1)) return { code: 'impossible-sender', sender: senderText(sender) };
  return { code: 'unverified', reason: 'text' };
}
