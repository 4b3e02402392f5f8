/**
 * Records pasted into mail, forums and bug reports and copied back out: what tells a record
 * that a paste wrapped over two or three lines, decided here once for bytes (the prefilter,
 * src/input/candidate-lines.ts, which joins the lines) and read back as text by the record
 * reader (src/records/pasted-text.ts), which undoes the join. docs/fixtures.md, "Pasted text".
 */

/**
 * The byte the prefilter puts before a joined record and between its lines, where the
 * newlines were: the record reader tells a joined record by its first byte alone, so that no
 * other line costs a search for it.
 */
export const PASTE_JOIN = '\x1f';
export const PASTE_JOIN_BYTE = 0x1f;

/**
 * Lines of a wrapped record the prefilter joins at most. A kernel record is 200 to 400
 * characters: wrapped at mail's 72 columns, quoted (`> `), it takes up to six lines.
 */
export const MAX_WRAPPED_LINES = 6;

/** `code=`: the last field of every seccomp record form; a record line without it is incomplete. */
export const LAST_FIELD = Buffer.from('code=');

const OPEN_BRACE = 0x7b;
const RECORD_SEPARATOR = 0x1e;

/**
 * Whether the line at `[start, stop)` is a text record (of a form told by its header, never
 * journal JSON) that stops before its last field: one a paste may have wrapped. `markers` are
 * those forms' markers (wrappableMarkers).
 */
export function isWrappedRecordStartInBytes(data: Buffer, start: number, stop: number, markers: readonly Buffer[]): boolean {
  const first = data[start];
  if (first === OPEN_BRACE || first === RECORD_SEPARATOR) return false;
  const line = data.subarray(start, stop);
  return line.indexOf(LAST_FIELD) === -1 && markers.some((marker) => line.indexOf(marker) !== -1);
}

const SPACE = 0x20;
const TAB = 0x09;
const GREATER = 0x3e;
const HASH = 0x23;
const SLASH = 0x2f;
const ASTERISK = 0x2a;
const BACKTICK = 0x60;
const COLON = 0x3a;
const DASH = 0x2d;
const EQUALS = 0x3d;
const OPEN_PARENTHESIS = 0x28;
/** How far into a line a continuation's field may start: quote marks and a line number. */
const PREFIX_LIMIT = 64;
/** The longest field name a continuation may start with. */
const NAME_LIMIT = 32;

function isNameByte(byte: number): boolean {
  return (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x41 && byte <= 0x5a) || byte === 0x5f;
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}

/** Whether a byte is one a mail or forum quote, an indent or markdown puts before a wrapped line's text. */
function isQuoteByte(byte: number): boolean {
  return byte === SPACE || byte === TAB || byte === GREATER || byte === HASH || byte === SLASH || byte === ASTERISK || byte === BACKTICK;
}

/**
 * Whether the line at `[start, end)` reads as the next piece of a wrapped record: after any
 * quote marks, indent and `grep -n` number, a field (`name=`), the audit id (`audit(`) or
 * snappy-debug's syscall (`330(`). The
 * caller has made sure it holds no record marker and has not auditd's own line shape. Looks at
 * most PREFIX_LIMIT + NAME_LIMIT bytes.
 */
export function isContinuationInBytes(data: Buffer, start: number, end: number): boolean {
  let at = start;
  const limit = Math.min(end, start + PREFIX_LIMIT);
  while (at < limit && isQuoteByte(data[at] as number)) at++;
  if (at < limit && isDigit(data[at] as number)) {
    let digits = at;
    while (digits < limit && isDigit(data[digits] as number)) digits++;
    if (digits < limit && (data[digits] === COLON || data[digits] === DASH)) {
      at = digits + 1;
      while (at < limit && isQuoteByte(data[at] as number)) at++;
    }
  }
  // snappy-debug prints the syscall as `330(pkey_alloc)`.
  let number = at;
  while (number < limit && isDigit(data[number] as number)) number++;
  if (number > at && number < end && data[number] === OPEN_PARENTHESIS) return true;
  if (at >= limit) return false;
  const nameEnd = Math.min(end, at + NAME_LIMIT);
  let name = at;
  while (name < nameEnd && isNameByte(data[name] as number)) name++;
  if (name === at || name >= end) return false;
  if (data[name] === EQUALS) return true;
  return data[name] === OPEN_PARENTHESIS && name - at === 5 && data.toString('latin1', at, name) === 'audit';
}
