import { parseAuditBody, parseInterpretedBody, type ParsedAuditBody, type RecordFields } from './audit-fields.js';
import { parseAuditEventId, parseInterpretedEventId, validTime } from './audit-id.js';
import type { LineReading, MalformedRecord, RecordFormat } from './audit-record.js';
import type { RecordOrigin } from './record-origin.js';
import { journalOrigin, textOrigin, UNFRAMED_TEXT } from './record-origin.js';
import { parseSyslogPrefix, type SyslogPrefix } from './syslog-prefix.js';

export interface ParseContext {
  /** "Now", in ms since the epoch: gives the year to syslog stamps, which have none. */
  now: number;
}

function hasAny(values: Record<string, string>): boolean {
  for (const _key in values) return true;
  return false;
}

function malformed(reason: string, text: string): MalformedRecord {
  return { malformed: true, reason, text };
}

/**
 * Reads a raw record body and checks it has the fields a SECCOMP record cannot be read
 * without; a legacy (type=1701) record has no arch= or code= to require.
 */
const REQUIRED_FIELDS: readonly (keyof RecordFields)[] = ['arch', 'syscall', 'code'];
const REQUIRED_LEGACY_FIELDS: readonly (keyof RecordFields)[] = ['syscall'];

function readBody(body: string, line: string, legacy = false): ParsedAuditBody | MalformedRecord {
  const parsed = parseAuditBody(body);
  for (const name of legacy ? REQUIRED_LEGACY_FIELDS : REQUIRED_FIELDS) {
    if (parsed.fields[name] === undefined || parsed.fields[name] === '') return malformed(`no ${name}= field`, line);
  }
  return parsed;
}

const KERNEL_HEADER = /type=(1326|1701) audit\(([^)]*)\): ?/;

/** `… audit: type=1326 audit(T:S): body` (and the legacy 1701 form) with any prefix. */
function parseKernelLine(line: string, prefix: SyslogPrefix | null): LineReading {
  const header = KERNEL_HEADER.exec(line);
  if (!header) return null;
  const legacy = header[1] === '1701';
  const recordStart = header.index >= 7 && line.startsWith('audit: ', header.index - 7) ? header.index - 7 : header.index;
  const body = line.slice(header.index + header[0].length);
  if (legacy && !/(^| )reason="?seccomp"?( |$)/.test(body)) return null;
  const id = parseAuditEventId(header[2] as string);
  if (!id) return malformed(`unreadable event id audit(${header[2] ?? ''})`, line);
  const parsed = readBody(body, line, legacy);
  if ('malformed' in parsed) return parsed;
  const { fields, enriched } = parsed;
  return {
    format: legacy ? 'kernel-abend' : 'kernel',
    time: id.time,
    timePrecise: true,
    serial: id.serial,
    host: prefix?.host ?? null,
    fields,
    enriched,
    interpreted: false,
    origin: textOrigin(line, prefix, recordStart),
    text: line,
  };
}

const AUDITD_HEADER = /(?:^|\s)(?:node=(\S+) )?type=SECCOMP msg=audit\(([^)]*)\)( ?): ?/;

/** An auditd line starts `type=` or `node=`; anything before that is someone's framing of it. */
function auditdOrigin(line: string, headerIndex: number): RecordOrigin {
  return headerIndex === 0 && !/^\s/.test(line) ? UNFRAMED_TEXT : textOrigin(line, parseSyslogPrefix(line, 0), Math.max(1, headerIndex));
}

/** auditd `audit.log` lines, ausearch raw output, ENRICHED, `node=` prefixed; `ausearch -i`. */
function parseAuditdLine(line: string): LineReading {
  const header = AUDITD_HEADER.exec(line);
  if (!header) return null;
  const host = header[1] ?? null;
  const body = line.slice(header.index + header[0].length);
  const id = parseAuditEventId(header[2] as string);
  if (id) {
    const parsed = readBody(body, line);
    if ('malformed' in parsed) return parsed;
    const { fields, enriched } = parsed;
    const format: RecordFormat = hasAny(enriched) ? 'auditd-enriched' : 'auditd';
    return { format, time: id.time, timePrecise: true, serial: id.serial, host, fields, enriched, interpreted: false, origin: auditdOrigin(line, header.index), text: line };
  }
  const interpretedId = parseInterpretedEventId(header[2] as string);
  if (interpretedId.serial === null) return malformed(`unreadable event id audit(${header[2] ?? ''})`, line);
  const fields = parseInterpretedBody(body);
  if (!fields) return malformed('ausearch -i record without its syscall fields', line);
  return {
    format: 'ausearch-interpreted',
    time: interpretedId.time,
    timePrecise: interpretedId.time !== null,
    serial: interpretedId.serial,
    host,
    fields,
    enriched: {},
    interpreted: true,
    origin: auditdOrigin(line, header.index),
    text: line,
  };
}

/** `SECCOMP auid=…` after `audit[PID]: `, alone (`journalctl -o cat`), or after an RFC 5424 header. */
const JOURNAL_AUDIT = /(?:^|[: ])SECCOMP (auid=.*)$/;

/**
 * journald's audit transport in text form: `Mar 16 14:12:30 host audit[2999066]: SECCOMP …`,
 * and the same body however a syslog daemon or `journalctl -o cat` frames it.
 */
function parseJournalAuditLine(line: string, prefix: SyslogPrefix | null): LineReading {
  const match = JOURNAL_AUDIT.exec(line);
  if (!match) return null;
  const parsed = readBody(match[1] as string, line);
  if ('malformed' in parsed) return parsed;
  const { fields, enriched } = parsed;
  return {
    format: 'journal-audit',
    time: prefix?.time ?? null,
    timePrecise: prefix?.precise ?? false,
    serial: null,
    host: prefix?.host ?? null,
    fields,
    enriched,
    interpreted: false,
    origin: textOrigin(line, prefix, match.index === 0 ? 0 : match.index + 1),
    text: line,
  };
}

function journalString(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((byte) => Number.isInteger(byte) && byte >= 0 && byte <= 255)) {
    return Buffer.from(value as number[]).toString('latin1');
  }
  return null;
}

/** `journalctl -o json`: one entry per line, MESSAGE a string or an array of bytes. */
function parseJournalJsonLine(line: string, context: ParseContext): LineReading {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return malformed('journal JSON that does not parse', line);
  }
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return null;
  const fieldsOf = entry as Record<string, unknown>;
  const message = journalString(fieldsOf.MESSAGE);
  if (message === null) return null;
  const host = journalString(fieldsOf._HOSTNAME);
  const auditType = journalString(fieldsOf._AUDIT_TYPE);
  if (auditType !== null && auditType !== '1326') return null;

  const body = /^SECCOMP (.*)$/.exec(message);
  if (!body) {
    // Another transport carrying a record as text: the kernel's, or a syslog forwarder's.
    const carried = parseTextLine(message, context);
    if (carried === null) return null;
    if ('malformed' in carried) return malformed(carried.reason, line);
    return { ...carried, format: 'journal-json', host: carried.host ?? host, origin: journalOrigin(fieldsOf), text: line };
  }
  const parsed = readBody(body[1] as string, line);
  if ('malformed' in parsed) return parsed;
  const { fields, enriched } = parsed;
  // The audit event's own time; when an export left it out, the time journald received it,
  // which is near but not the event id's time.
  const eventTime = validTime(Math.floor(Number(journalString(fieldsOf._SOURCE_REALTIME_TIMESTAMP) ?? NaN) / 1000));
  const receivedTime = validTime(Math.floor(Number(journalString(fieldsOf.__REALTIME_TIMESTAMP) ?? NaN) / 1000));
  const auditId = Number(journalString(fieldsOf._AUDIT_ID));
  return {
    format: 'journal-json',
    time: eventTime ?? receivedTime,
    timePrecise: eventTime !== null,
    serial: Number.isSafeInteger(auditId) && auditId > 0 ? auditId : null,
    host,
    fields,
    enriched,
    interpreted: false,
    origin: journalOrigin(fieldsOf),
    text: line,
  };
}

/**
 * Reads one line of any supported log form. Returns the record, a malformed marker for a line
 * that announces a seccomp record but is damaged, or null for any other line.
 */
export function parseRecordLine(line: string, context: ParseContext): LineReading {
  // A trailing CR (CRLF files); a leading RS (`journalctl -o json-seq`).
  const start = line.charCodeAt(0) === 0x1e ? 1 : 0;
  const end = line.charCodeAt(line.length - 1) === 0x0d ? line.length - 1 : line.length;
  const text = start === 0 && end === line.length ? line : line.slice(start, Math.max(start, end));
  return text.startsWith('{') ? parseJournalJsonLine(text, context) : parseTextLine(text, context);
}

/** Every form but journal JSON. */
function parseTextLine(text: string, context: ParseContext): LineReading {
  if (text.includes('type=SECCOMP msg=audit(')) return parseAuditdLine(text);
  const prefix = parseSyslogPrefix(text, context.now);
  if (text.includes('type=1326 audit(') || text.includes('type=1701 audit(')) return parseKernelLine(text, prefix);
  if (text.includes('SECCOMP auid=')) return parseJournalAuditLine(text, prefix);
  if (/type=1326\b/.test(text)) return malformed('kernel record without its audit(...) id', text);
  return null;
}
