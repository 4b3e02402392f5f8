import { auditdTypeStartInText, formatsReadBy, isAuditdRecordType, type LogFormat, type SeccompRecordFormatId } from '../formats/index.js';
import { parseAuditBody, parseInterpretedBody, type ParsedAuditBody, type RecordFields } from './audit-fields.js';
import { parseAuditEventId, parseInterpretedEventId, validTime } from './audit-id.js';
import type { AuditRecord, LineReading, MalformedRecord, RecordFormat } from './audit-record.js';
import { parseAuditbeatLine, parseLaurelLine, parseSeccompExplainNdjsonLine } from './document-record.js';
import { PASTE_JOIN_BYTE, SECCOMP_RECORD_MARKERS } from '../formats/index.js';
import { hasElision, repairPastedText, type PasteRepair } from './pasted-text.js';
import type { RecordOrigin } from './record-origin.js';
import { journalOrigin, textOrigin, UNFRAMED_TEXT } from './record-origin.js';
import { parseSyslogPrefix, type SyslogPrefix } from './syslog-prefix.js';

export interface ParseContext {
  /** "Now", in ms since the epoch: gives the year to syslog stamps, which have none. */
  now: number;
  /**
   * Set by the lenient reading of a record with an elision (src/records/pasted-text.ts): only
   * `syscall=` is required, the fields cut out are left unknown.
   */
  elided?: boolean;
}

function hasAny(values: Record<string, string>): boolean {
  for (const _key in values) return true;
  return false;
}

function malformed(reason: string, text: string): MalformedRecord {
  return { malformed: true, reason, text };
}

/** The record with `repairs` added to those it has, each once; the record itself when there are none. */
function withRepairs(record: AuditRecord, repairs: readonly PasteRepair[]): AuditRecord {
  if (repairs.length === 0) return record;
  const merged = [...(record.repairs ?? [])];
  for (const repair of repairs) if (!merged.includes(repair)) merged.push(repair);
  return { ...record, repairs: merged };
}

/** What a record's own reading repaired: a lost ENRICHED separator, a stamp a log never writes. */
function ownRepairs(parsed: ParsedAuditBody, prefix: SyslogPrefix | null): PasteRepair[] {
  const repairs: PasteRepair[] = [];
  if (parsed.lostSeparator) repairs.push('lost-separator');
  if (prefix?.repair) repairs.push(prefix.repair);
  return repairs;
}

/**
 * Reads a raw record body and checks it has the fields a SECCOMP record cannot be read
 * without; a legacy (type=1701) record has no arch= or code= to require.
 */
const REQUIRED_FIELDS: readonly (keyof RecordFields)[] = ['arch', 'syscall', 'code'];
const REQUIRED_LEGACY_FIELDS: readonly (keyof RecordFields)[] = ['syscall'];

function readBody(body: string, line: string, legacy = false, elided = false): ParsedAuditBody | MalformedRecord {
  const parsed = parseAuditBody(body);
  for (const name of legacy || elided ? REQUIRED_LEGACY_FIELDS : REQUIRED_FIELDS) {
    if (parsed.fields[name] === undefined || parsed.fields[name] === '') return malformed(`no ${name}= field`, line);
  }
  return parsed;
}

const COLON = 0x3a;
const SPACE = 0x20;

/** Where an audit id's `(…)` is closed by `): ` or `) : `, and where the body after it starts. */
interface AuditIdHeader {
  /** The text between `audit(` and the closing parenthesis. */
  id: string;
  bodyStart: number;
}

/**
 * Finds a header that is `opening` (which ends in `audit(` and holds no `)`), the id up to
 * the first `)`, then `:` (or ` :` when `spaceBeforeColon`) and an optional space; the
 * leftmost one that `acceptsStart` allows, as a regular expression would. Linear in the line:
 * every opening between two `)` shares the first of them, so each `)` is looked for once.
 */
function findAuditIdHeader(
  line: string,
  opening: string,
  spaceBeforeColon: boolean,
  acceptsStart: (at: number) => boolean,
  nextOpening: (from: number) => number = (from) => line.indexOf(opening, from),
): (AuditIdHeader & { at: number }) | null {
  let close = -1;
  for (let at = nextOpening(0); at !== -1; at = nextOpening(at + 1)) {
    if (!acceptsStart(at)) continue;
    const idStart = at + opening.length;
    if (close < idStart) close = line.indexOf(')', idStart);
    if (close === -1) return null;
    let colon = close + 1;
    if (spaceBeforeColon && line.charCodeAt(colon) === SPACE) colon++;
    if (line.charCodeAt(colon) !== COLON) continue;
    const bodyStart = line.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1;
    return { at, id: line.slice(idStart, close), bodyStart };
  }
  return null;
}

/** `type=1326 audit(` or `type=1701 audit(`: which one starts at `at`, if either. */
function kernelTypeAt(line: string, at: number): '1326' | '1701' | null {
  if (line.startsWith('1326 audit(', at + 5)) return '1326';
  return line.startsWith('1701 audit(', at + 5) ? '1701' : null;
}

/** The kernel header `type=1326|1701 audit(ID): ` anywhere in the line (the leftmost). */
function findKernelHeader(line: string): (AuditIdHeader & { at: number; legacy: boolean }) | null {
  const header = findAuditIdHeader(line, 'type=1326 audit(', false, (at) => kernelTypeAt(line, at) !== null, (from) => {
    for (let at = line.indexOf('type=', from); at !== -1; at = line.indexOf('type=', at + 1)) {
      if (kernelTypeAt(line, at) !== null) return at;
    }
    return -1;
  });
  return header && { at: header.at, id: header.id, bodyStart: header.bodyStart, legacy: kernelTypeAt(line, header.at) === '1701' };
}

/** `… audit: type=1326 audit(T:S): body` (and the legacy 1701 form) with any prefix. */
function parseKernelLine(line: string, prefix: SyslogPrefix | null, elided = false): LineReading {
  const header = findKernelHeader(line);
  if (!header) return null;
  const legacy = header.legacy;
  const recordStart = header.at >= 7 && line.startsWith('audit: ', header.at - 7) ? header.at - 7 : header.at;
  const body = line.slice(header.bodyStart);
  if (legacy && !/(^| )reason="?seccomp"?( |$)/.test(body)) return null;
  const id = parseAuditEventId(header.id);
  if (!id) return malformed(`unreadable event id audit(${header.id})`, line);
  const parsed = readBody(body, line, legacy, elided);
  if ('malformed' in parsed) return parsed;
  const { fields, enriched } = parsed;
  return withRepairs({
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
  }, ownRepairs(parsed, prefix));
}

/** Whether a character is one that a regular expression's `\s` matches. */
function isWhitespace(code: number): boolean {
  return (code >= 0x09 && code <= 0x0d) || code === 0x20 || code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a)
    || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

const AUDITD_OPENING = 'type=SECCOMP msg=audit(';

/**
 * The host of a `node=HOST ` word that ends just before `at` and starts the line or follows
 * whitespace; `null` when there is none but `at` itself starts the line or follows whitespace;
 * undefined when neither (no auditd header starts at `at`).
 */
function auditdHostBefore(line: string, at: number): string | null | undefined {
  if (at === 0) return null;
  if (line.charCodeAt(at - 1) === SPACE) {
    let wordStart = at - 1;
    while (wordStart > 0 && !isWhitespace(line.charCodeAt(wordStart - 1))) wordStart--;
    if (at - 1 - wordStart > 5 && line.startsWith('node=', wordStart)) return line.slice(wordStart + 5, at - 1);
  }
  return isWhitespace(line.charCodeAt(at - 1)) ? null : undefined;
}

/** An auditd line starts `type=` or `node=`; anything before that is someone's framing of it. */
function auditdOrigin(line: string, headerIndex: number): RecordOrigin {
  return headerIndex === 0 && !/^\s/.test(line) ? UNFRAMED_TEXT : textOrigin(line, parseSyslogPrefix(line, 0), Math.max(1, headerIndex));
}

/** auditd `audit.log` lines, ausearch raw output, ENRICHED, `node=` prefixed; `ausearch -i`. */
function parseAuditdLine(line: string, context: ParseContext): LineReading {
  const found = findAuditIdHeader(line, AUDITD_OPENING, true, (at) => auditdHostBefore(line, at) !== undefined);
  if (!found) return null;
  const host = auditdHostBefore(line, found.at) ?? null;
  const origin = auditdOrigin(line, host === null ? found.at : found.at - `node=${host} `.length);
  const body = line.slice(found.bodyStart);
  const id = parseAuditEventId(found.id);
  if (id) {
    const parsed = readBody(body, line, false, context.elided);
    if ('malformed' in parsed) return parsed;
    const { fields, enriched } = parsed;
    const format: RecordFormat = hasAny(enriched) ? 'auditd-enriched' : 'auditd';
    const record: AuditRecord = { format, time: id.time, timePrecise: true, serial: id.serial, host, fields, enriched, interpreted: false, origin, text: line };
    if (parsed.lostSeparator) record.repairs = ['lost-separator'];
    return record;
  }
  const interpretedId = parseInterpretedEventId(found.id);
  if (interpretedId.serial === null) return malformed(`unreadable event id audit(${found.id})`, line);
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
    origin,
    text: line,
  };
}

/** `SECCOMP auid=…` after `audit[PID]: `, alone (`journalctl -o cat`), or after an RFC 5424 header. */
const JOURNAL_AUDIT = 'SECCOMP auid=';

/**
 * Where the body of `SECCOMP auid=…` starts: at the start of the line or after `:` or a
 * space, with no line terminator (`\n`, `\r`, U+2028, U+2029) after it; -1 when nowhere.
 * One scan for the last terminator, then one for the marker after it.
 */
function journalAuditBodyStart(line: string): number {
  const lastTerminator = Math.max(line.lastIndexOf('\n'), line.lastIndexOf('\r'), line.lastIndexOf('\u2028'), line.lastIndexOf('\u2029'));
  for (let at = line.indexOf(JOURNAL_AUDIT, lastTerminator + 1); at !== -1; at = line.indexOf(JOURNAL_AUDIT, at + 1)) {
    const before = at === 0 ? -1 : line.charCodeAt(at - 1);
    if (at === 0 || before === COLON || before === SPACE) return at + 'SECCOMP '.length;
  }
  return -1;
}

/**
 * journald's audit transport in text form: `Mar 16 14:12:30 host audit[2999066]: SECCOMP …`,
 * and the same body however a syslog daemon or `journalctl -o cat` frames it.
 */
function parseJournalAuditLine(line: string, prefix: SyslogPrefix | null, elided = false): LineReading {
  const bodyStart = journalAuditBodyStart(line);
  if (bodyStart === -1) return null;
  const parsed = readBody(line.slice(bodyStart), line, false, elided);
  if ('malformed' in parsed) return parsed;
  const { fields, enriched } = parsed;
  return withRepairs({
    format: 'journal-audit',
    time: prefix?.time ?? null,
    timePrecise: prefix?.precise ?? false,
    serial: null,
    host: prefix?.host ?? null,
    fields,
    enriched,
    interpreted: false,
    origin: textOrigin(line, prefix, bodyStart - 'SECCOMP '.length),
    text: line,
  }, ownRepairs(parsed, prefix));
}

/** snappy-debug's report line: `Log: ` and the record's body, its syscall printed `330(pkey_alloc)`. */
const SNAPPY_DEBUG_LOG = 'Log: auid=';
/** The syscall as snappy-debug prints it, a word of its own: the number, its name in parentheses. */
const SNAPPY_DEBUG_SYSCALL = / (\d{1,10})\([\w]{1,64}\)(?= |$)/;

/**
 * snappy-debug's `= Seccomp =` block quotes the kernel's record on its `Log:` line with the
 * `syscall=` key replaced by `NUMBER(name)`; the name is snappy-debug's, the number is decoded
 * through our tables as any other. The block's `Time:` line, a line before, is not read.
 */
function parseSnappyDebugLine(line: string, context: ParseContext): LineReading {
  const at = line.indexOf(SNAPPY_DEBUG_LOG);
  if (at === -1 || (at > 0 && !isWhitespace(line.charCodeAt(at - 1)))) return null;
  const body = line.slice(at + 'Log: '.length).replace(SNAPPY_DEBUG_SYSCALL, ' syscall=$1');
  const parsed = readBody(body, line, false, context.elided);
  if ('malformed' in parsed) return parsed;
  return {
    format: 'snappy-debug',
    time: null,
    timePrecise: false,
    serial: null,
    host: null,
    fields: parsed.fields,
    enriched: parsed.enriched,
    interpreted: false,
    origin: { channel: 'text', sender: null, framed: true },
    text: line,
    repairs: ['quoted-by-tool'],
  };
}

function journalString(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((byte) => Number.isInteger(byte) && byte >= 0 && byte <= 255)) {
    return Buffer.from(value as number[]).toString('latin1');
  }
  return null;
}

/**
 * What a journal entry that announces a seccomp record holds at least one of (the registry's
 * markers for journal JSON, which the prefilter looks for): JSON that does not parse is a
 * damaged record only when it holds one; other damaged journal entries are no concern of ours.
 */
const JOURNAL_JSON_MARKERS: readonly string[] = formatsReadBy('seccomp-record').find((format) => format.id === 'journal-json')?.markers ?? [];

/** `journalctl -o json`: one entry per line, MESSAGE a string or an array of bytes. */
function parseJournalJsonLine(line: string, context: ParseContext): LineReading {
  let entry: unknown;
  try {
    entry = JSON.parse(line);
  } catch {
    return JOURNAL_JSON_MARKERS.some((marker) => line.includes(marker)) ? malformed('journal JSON that does not parse', line) : null;
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
    return { ...carried, format: 'journal-json', host: carried.host ?? host, origin: journalOrigin(fieldsOf, carried.origin.framed), text: line };
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
    origin: journalOrigin(fieldsOf, false),
    text: line,
  };
}

type RecordParser = (text: string, context: ParseContext) => LineReading;

/** The parser of each seccomp record form of the registry (src/formats/log-formats.ts). */
const PARSERS: Record<SeccompRecordFormatId, RecordParser> = {
  'journal-json': parseJournalJsonLine,
  auditd: parseAuditdLine,
  kernel: (text, context) => parseKernelLine(text, parseSyslogPrefix(text, context.now), context.elided),
  'journal-audit': (text, context) => parseJournalAuditLine(text, parseSyslogPrefix(text, context.now), context.elided),
  auditbeat: parseAuditbeatLine,
  laurel: parseLaurelLine,
  'seccomp-explain-ndjson': parseSeccompExplainNdjsonLine,
  'snappy-debug': parseSnappyDebugLine,
};

function parserOf(format: LogFormat): RecordParser {
  const parser = (PARSERS as Partial<Record<string, RecordParser>>)[format.id];
  if (!parser) throw new Error(`log format ${format.id} is registered for the record reader but has no parser`);
  return parser;
}

const SECCOMP_FORMATS = formatsReadBy('seccomp-record');
/** Forms told by how their lines start, tried first. */
const BY_LINE_START = SECCOMP_FORMATS.flatMap((format) => (format.lineStart === undefined ? [] : [{ lineStart: format.lineStart, parse: parserOf(format) }]));
/** The form that is every line of auditd's shape whose type is SECCOMP. */
const AUDITD_SHAPED = SECCOMP_FORMATS.filter((format) => format.auditdShape === 'by-type').map(parserOf);
/** Forms told by a header anywhere in the line, in registry order. */
const BY_HEADER = SECCOMP_FORMATS.flatMap((format) => (format.headers.length === 0 ? [] : [{ headers: format.headers, parse: parserOf(format) }]));
if (AUDITD_SHAPED.length !== 1) throw new Error('exactly one log format must read the auditd-shaped lines whose type is SECCOMP');
const parseAuditdShaped = AUDITD_SHAPED[0] as RecordParser;

/**
 * Reads one line of any supported log form. Returns the record, a malformed marker for a line
 * that announces a seccomp record but is damaged, or null for any other line. A record
 * pasted somewhere and copied back (quoted, wrapped, marked up) is read leniently, with what
 * was repaired (src/records/pasted-text.ts).
 */
export function parseRecordLine(line: string, context: ParseContext): LineReading {
  // A trailing CR (CRLF files); a leading RS (`journalctl -o json-seq`); a joined wrapped record.
  const first = line.charCodeAt(0);
  if (first === PASTE_JOIN_BYTE) return parseJoinedLine(line, context);
  const start = first === 0x1e ? 1 : 0;
  const end = line.charCodeAt(line.length - 1) === 0x0d ? line.length - 1 : line.length;
  const text = start === 0 && end === line.length ? line : line.slice(start, Math.max(start, end));
  // Several forms start alike (JSON's `{`): the first that reads the line has it.
  let startsAForm = false;
  for (const form of BY_LINE_START) {
    if (!text.startsWith(form.lineStart)) continue;
    startsAForm = true;
    const reading = form.parse(text, context);
    if (reading !== null) return reading;
  }
  return startsAForm ? null : parseTextLine(text, context, true);
}

/**
 * Every form not told by its line start. A line of auditd's shape (src/formats/auditd-line-shape.ts)
 * is only the record its own type says, as the byte prefilter reads it: a record quoted inside
 * another auditd line is none. Any other line goes to the first form whose header it holds.
 * When `lenient`, a record the strict reading could not read, or read behind a prefix, is
 * read again as pasted text.
 */
function parseTextLine(text: string, context: ParseContext, lenient = false): LineReading {
  const auditdTypeAt = auditdTypeStartInText(text);
  if (auditdTypeAt !== -1) {
    if (!isAuditdRecordType(text, auditdTypeAt)) return null;
    const reading = parseAuditdShaped(text, context);
    return lenient && reading !== null && 'malformed' in reading ? readPasted(text, context, reading) : reading;
  }
  const reading = parseByHeader(text, context);
  return lenient ? readPasted(text, context, reading) : reading;
}

function parseByHeader(text: string, context: ParseContext): LineReading {
  for (const form of BY_HEADER) {
    for (const header of form.headers) {
      if (text.includes(header)) return form.parse(text, context);
    }
  }
  if (/type=1326\b/.test(text)) return malformed('kernel record without its audit(...) id', text);
  return null;
}

/** Whether the text holds one of the prefilter's markers: a lenient reading reads no other line. */
function holdsMarker(text: string): boolean {
  return SECCOMP_RECORD_MARKERS.some((marker) => text.includes(marker));
}

/**
 * The lenient reading of a line the strict reading gave `strict` for: a record that starts
 * its line is kept as read; otherwise the line is repaired as pasted text and read again,
 * strictly. The repaired reading is taken when it is a record; else the strict one stands.
 */
function readPasted(line: string, context: ParseContext, strict: LineReading): LineReading {
  const read = strict !== null && !('malformed' in strict);
  if (read && !strict.origin.framed && !hasElision(line)) return strict;
  if (!read && !holdsMarker(line)) return strict;
  const repaired = repairPastedText(line);
  if (repaired.repairs.length === 0) return strict;
  const reading = parseTextLine(repaired.text, repaired.repairs.includes('elided') ? { ...context, elided: true } : context);
  if (reading === null || 'malformed' in reading) return strict ?? reading;
  return withRepairs({ ...reading, text: line }, repaired.repairs);
}

/**
 * A record the prefilter joined from the lines a paste wrapped it over (src/formats/pasted-text.ts).
 * Read as one line; when the joined text is no record, its first line alone is read.
 */
function parseJoinedLine(line: string, context: ParseContext): LineReading {
  const repaired = repairPastedText(line);
  if (holdsMarker(line)) {
    // The text kept is the joined line itself, which reads back the same (the store re-reads it).
    const reading = parseTextLine(repaired.text, repaired.repairs.includes('elided') ? { ...context, elided: true } : context);
    if (reading !== null && !('malformed' in reading)) return withRepairs({ ...reading, text: line }, repaired.repairs);
  }
  const firstEnd = line.indexOf('\x1f', 1);
  return parseRecordLine(firstEnd === -1 ? line.slice(1) : line.slice(1, firstEnd), context);
}
