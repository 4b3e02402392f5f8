/**
 * How auditd and ausearch write every line: `type=NAME …`, `node=HOST type=NAME …`, `----`,
 * `time->…`, NAME never a number (the kernel's own line says `type=1326`). A line of that shape
 * is only the record its own type names. The byte prefilter's fast path and the record reader
 * both decide a line's shape here, one function for bytes and one for text, from the same
 * prefixes, so that they cannot drift apart.
 */

/** The auditd type whose lines are seccomp records. */
export const AUDITD_RECORD_TYPE = 'SECCOMP';
const TYPE_PREFIX = 'type=';
const HOST_PREFIX = 'node=';
const SEPARATOR = '----';
const TIME_PREFIX = 'time->';
/** How an auditd line that holds a seccomp record goes on from its start or its `node=HOST `. */
const TYPE_RECORD = `${TYPE_PREFIX}${AUDITD_RECORD_TYPE} `;

const TYPE_RECORD_BYTES = Buffer.from(TYPE_RECORD);
const HOST_PREFIX_BYTES = Buffer.from(HOST_PREFIX);
const TIME_PREFIX_BYTES = Buffer.from(TIME_PREFIX);
const SEPARATOR_BYTES = Buffer.from(SEPARATOR);
const LOWER_T = 0x74;
const LOWER_N = 0x6e;
const DASH = 0x2d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const SPACE = 0x20;

/** How an auditd line that holds no seccomp record starts: not `type=SECCOMP `. */
export const AUDITD_OTHER = -1;
/** A line auditd or ausearch would not write. */
export const NOT_AUDITD = -2;

/**
 * Whether the bytes at `start` are `prefix`, from its byte `from` on. Compared here byte by
 * byte: a call out per line costs more. No prefix holds a newline, so a line shorter than it
 * never matches.
 */
function startsWith(data: Buffer, start: number, prefix: Buffer, from: number): boolean {
  for (let index = from; index < prefix.length; index++) {
    if (data[start + index] !== prefix[index]) return false;
  }
  return true;
}

/** Whether `type=` is at `at`; spelled out, as this runs for every line. */
function isTypePrefix(data: Buffer, at: number): boolean {
  return data[at] === 0x74 && data[at + 1] === 0x79 && data[at + 2] === 0x70 && data[at + 3] === 0x65 && data[at + 4] === 0x3d;
}

/**
 * What the `type=NAME` at `at` (its `type=` already seen) makes of an auditd line that starts
 * at `start`: a seccomp record (its start), another auditd line, or, when the type is a
 * number, no auditd line.
 */
function auditdTypeAt(data: Buffer, at: number, start: number): number {
  const sixth = data[at + 5] as number;
  if (sixth >= DIGIT_0 && sixth <= DIGIT_9) return NOT_AUDITD;
  return startsWith(data, at, TYPE_RECORD_BYTES, 5) ? start : AUDITD_OTHER;
}

/**
 * The byte prefilter's reading of the line at `start` (up to `newline`): the start of the
 * line when it is an auditd seccomp record, AUDITD_OTHER for any other auditd line, NOT_AUDITD
 * for a line of any other shape (a stamp, a host name, `audit:`, `{`).
 */
export function auditdRecordStartInBytes(data: Buffer, start: number, newline: number): number {
  const first = data[start];
  if (first === LOWER_T) {
    if (isTypePrefix(data, start)) return auditdTypeAt(data, start, start);
    return startsWith(data, start, TIME_PREFIX_BYTES, 1) ? AUDITD_OTHER : NOT_AUDITD;
  }
  if (first === DASH) return startsWith(data, start, SEPARATOR_BYTES, 1) ? AUDITD_OTHER : NOT_AUDITD;
  if (first !== LOWER_N || !startsWith(data, start, HOST_PREFIX_BYTES, 1)) return NOT_AUDITD;
  // Looked for within the line only: a search to the end of the chunk per line would make a
  // chunk of lines without a space cost the square of its size.
  let space = start + HOST_PREFIX_BYTES.length;
  while (space < newline && data[space] !== SPACE) space++;
  return space < newline && isTypePrefix(data, space + 1) ? auditdTypeAt(data, space + 1, start) : NOT_AUDITD;
}

/**
 * The record reader's reading of one line (no newline in it), the same as
 * auditdRecordStartInBytes's: where the line's `type=NAME` is when it has auditd's shape
 * (0 for `----` and `time->…`), or -1 for a line of any other shape.
 */
export function auditdTypeStartInText(text: string): number {
  if (text.startsWith(SEPARATOR) || text.startsWith(TIME_PREFIX)) return 0;
  const typeAt = text.startsWith(HOST_PREFIX) ? text.indexOf(' ', HOST_PREFIX.length) + 1 : 0;
  if (typeAt === 0 && text.startsWith(HOST_PREFIX)) return -1;
  if (!text.startsWith(TYPE_PREFIX, typeAt)) return -1;
  const sixth = text.charCodeAt(typeAt + TYPE_PREFIX.length);
  return sixth >= DIGIT_0 && sixth <= DIGIT_9 ? -1 : typeAt;
}

/** Whether a line of auditd's shape whose type starts at `typeAt` is a seccomp record. */
export function isAuditdRecordType(text: string, typeAt: number): boolean {
  return text.startsWith(TYPE_RECORD, typeAt);
}
