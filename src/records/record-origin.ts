import type { SyslogPrefix } from './syslog-prefix.js';

/** The syslog tag a text line was logged under: `kernel`, `audit[2999066]`, `systemd[1]`, `evil[4242]`. */
export interface SenderTag {
  name: string;
  pid: number | null;
}

/**
 * Where a line says it came from, as read; whether that can be believed is decided later
 * (docs/security.md). Every value here is the log's word except a journal entry's
 * underscore fields, which journald sets itself.
 */
export type RecordOrigin =
  /**
   * A journal entry (`-o json`): journald's own `_TRANSPORT`, `_PID`, `_UID` and `_COMM`;
   * `framed` when its MESSAGE holds anything before the record (a kernel message that quotes
   * text, never the kernel's own record).
   */
  | { channel: 'journal'; transport: string | null; pid: number | null; uid: number | null; comm: string | null; framed: boolean }
  /**
   * A line of text. `sender` is its syslog tag, where the line shows one; `framed` says that
   * anything at all stands before the record (a time stamp, a host, a tag), as never in
   * auditd's own log file.
   */
  | { channel: 'text'; sender: SenderTag | null; framed: boolean };

/** A record line with nothing before it: auditd's log, `journalctl -o cat`. */
export const UNFRAMED_TEXT: RecordOrigin = Object.freeze({ channel: 'text', sender: null, framed: false });

const TAG = /([^\s[\]:]{1,128})(?:\[(\d{1,10})\])?: /y;
/** RFC 5424 after the host: APP-NAME PROCID MSGID. */
const RFC5424_TAG = /(\S{1,128}) (\S{1,128}) \S{1,32} /y;

function pidOf(text: string | undefined): number | null {
  if (text === undefined) return null;
  const pid = Number(text);
  return Number.isSafeInteger(pid) ? pid : null;
}

/** The syslog tag that follows a line's prefix (`host kernel: …`, `host audit[5]: …`), or null. */
export function readSenderTag(line: string, prefix: SyslogPrefix | null): SenderTag | null {
  if (prefix === null || prefix.tagStart === null) return null;
  const pattern = line.startsWith('<') ? RFC5424_TAG : TAG;
  pattern.lastIndex = prefix.tagStart;
  // Both patterns' parts are bounded: a match reads a few hundred characters at most.
  const match = pattern.exec(line);
  if (!match) return null;
  const name = match[1] as string;
  return { name, pid: pidOf(match[2] === '-' ? undefined : match[2]) };
}

/** The origin of a text line whose record starts at `recordStart`. */
export function textOrigin(line: string, prefix: SyslogPrefix | null, recordStart: number): RecordOrigin {
  if (recordStart === 0) return UNFRAMED_TEXT;
  return { channel: 'text', sender: readSenderTag(line, prefix), framed: true };
}

function journalNumber(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d{1,10}$/.test(value)) return null;
  return Number(value);
}

/** A journal entry's origin, from the fields journald sets itself. */
export function journalOrigin(entry: Record<string, unknown>, framed: boolean): RecordOrigin {
  return {
    channel: 'journal',
    framed,
    transport: typeof entry._TRANSPORT === 'string' ? entry._TRANSPORT : null,
    pid: journalNumber(entry._PID),
    uid: journalNumber(entry._UID),
    comm: typeof entry._COMM === 'string' ? entry._COMM : null,
  };
}
