import { validTime } from './audit-id.js';
import { journalOrigin, readSenderTag, type RecordOrigin } from './record-origin.js';
import { parseSyslogPrefix } from './syslog-prefix.js';

/**
 * A journal entry that says a unit's process died of SIGSYS: systemd's own `Main process
 * exited, code=killed|dumped, status=31/SYS`, or systemd-coredump's entry for a SIGSYS core.
 * What it says is as untrusted as the rest of the log: the unit name is checked before use.
 */
export interface UnitExitRecord {
  unit: string;
  /** `exit-message`: PID 1's exit line (no pid); `coredump`: systemd-coredump (has the pid). */
  source: 'exit-message' | 'coredump';
  time: number | null;
  timePrecise: boolean;
  host: string | null;
  /** The dead process's pid, where the entry names it (COREDUMP_PID). */
  pid: number | null;
  /** systemd's words (`UNIT: Main process exited, …`), for saying how the unit was found. */
  message: string;
  /** Who logged it, as far as the line tells (docs/security.md). */
  origin: RecordOrigin;
  /** The line. */
  text: string;
}

/** Byte strings every such entry holds, for the line prefilter: the registry's `unit-exit` form. */
export { UNIT_EXIT_MARKERS } from '../formats/index.js';

/** `UNIT: Main process exited, code=killed, status=31/SYS` (Control for ExecStartPre= and friends); SIGSYS is 12 on MIPS. */
const EXIT_MESSAGE_TAIL = /: (?:Main|Control) process exited, code=(?:killed|dumped), status=\d{1,2}\/SYS$/;
/** Longer than any text EXIT_MESSAGE_TAIL matches. */
const EXIT_MESSAGE_TAIL_LIMIT = 64;
const LONGEST_UNIT_NAME = 255;

/** Whether a character may be in the unit name of an exit message: not whitespace, `:` or `/`. */
function unitNameCharacter(character: string): boolean {
  return character !== ':' && character !== '/' && !/\s/.test(character);
}

/**
 * Reads the exit message at the end of `message`: its tail is matched within the last few
 * characters, and the unit name is the word before it, which starts the message or follows
 * `: `. Linear in the message, whatever it holds.
 */
function parseExitMessage(message: string, time: number | null, timePrecise: boolean, host: string | null, origin: RecordOrigin, text: string): UnitExitRecord | null {
  const tailFrom = Math.max(0, message.length - EXIT_MESSAGE_TAIL_LIMIT);
  const tail = EXIT_MESSAGE_TAIL.exec(message.slice(tailFrom));
  if (!tail) return null;
  const unitEnd = tailFrom + tail.index;
  let unitStart = unitEnd;
  while (unitStart > 0 && unitEnd - unitStart <= LONGEST_UNIT_NAME && unitNameCharacter(message[unitStart - 1] as string)) unitStart--;
  const unitLength = unitEnd - unitStart;
  if (unitLength < 1 || unitLength > LONGEST_UNIT_NAME) return null;
  if (unitStart !== 0 && !message.startsWith(': ', unitStart - 2)) return null;
  return { unit: message.slice(unitStart, unitEnd), source: 'exit-message', time, timePrecise, host, pid: null, message: message.slice(unitStart), origin, text };
}

function jsonString(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function journalTime(entry: Record<string, unknown>): number | null {
  const micros = Number(jsonString(entry._SOURCE_REALTIME_TIMESTAMP) ?? jsonString(entry.__REALTIME_TIMESTAMP) ?? NaN);
  return validTime(Math.floor(micros / 1000));
}

function parseJsonEntry(text: string): UnitExitRecord | null {
  let entry: unknown;
  try {
    entry = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return null;
  const fields = entry as Record<string, unknown>;
  const time = journalTime(fields);
  const host = jsonString(fields._HOSTNAME);
  const coredumpUnit = jsonString(fields.COREDUMP_UNIT);
  if (coredumpUnit !== null) {
    const signal = jsonString(fields.COREDUMP_SIGNAL_NAME) ?? jsonString(fields.COREDUMP_SIGNAL);
    if (signal !== 'SIGSYS' && signal !== '31') return null;
    const pid = Number(jsonString(fields.COREDUMP_PID));
    return {
      unit: coredumpUnit, source: 'coredump', time, timePrecise: time !== null, host,
      pid: Number.isSafeInteger(pid) && pid > 0 ? pid : null, message: jsonString(fields.MESSAGE) ?? '', origin: journalOrigin(fields, false), text,
    };
  }
  const message = jsonString(fields.MESSAGE);
  const unit = jsonString(fields.UNIT);
  if (message === null || unit === null) return null;
  // PID 1's own message is exactly the exit message; anything before it is someone's framing.
  const exit = parseExitMessage(message, time, time !== null, host, journalOrigin(fields, !message.startsWith(`${unit}: `)), text);
  return exit && exit.unit === unit ? exit : null;
}

/**
 * Reads a journal line (any short form, syslog, or `-o json`) that reports a SIGSYS death of
 * a unit's process; null for any other line.
 */
export function parseUnitExitLine(line: string, now: number): UnitExitRecord | null {
  const text = line.replace(/^\x1e/, '').replace(/\r$/, '');
  if (text.startsWith('{')) return parseJsonEntry(text);
  if (!text.endsWith('/SYS')) return null;
  const prefix = parseSyslogPrefix(text, now);
  const origin: RecordOrigin = { channel: 'text', sender: readSenderTag(text, prefix), framed: prefix !== null };
  return parseExitMessage(text, prefix?.time ?? null, prefix?.precise ?? false, prefix?.host ?? null, origin, text);
}
