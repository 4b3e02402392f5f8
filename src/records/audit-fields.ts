/**
 * Reading the `key=value` body of an audit record, as the kernel writes it and as auditd
 * and ausearch re-print it.
 */

/** The fields of a SECCOMP record in the order the kernel writes them. */
export const SECCOMP_FIELD_ORDER = [
  'auid', 'uid', 'gid', 'ses', 'subj', 'pid', 'comm', 'exe', 'reason', 'sig', 'arch', 'syscall',
  'compat', 'ip', 'code',
] as const;

export type SeccompFieldName = (typeof SECCOMP_FIELD_ORDER)[number];

/** Raw field values as strings; the kernel's quoting is removed and hex encoding decoded. */
export type RecordFields = Partial<Record<SeccompFieldName, string>>;

/** Fields that the kernel hex-encodes (without quotes) when their value holds unsafe bytes. */
const UNTRUSTED_STRING_FIELDS: ReadonlySet<string> = new Set(['comm', 'exe', 'subj']);

const SEPARATOR_GROUP = '\x1d';
const KNOWN_FIELDS: ReadonlySet<string> = new Set(SECCOMP_FIELD_ORDER);
const ENRICHED_KEY = /^[A-Z][A-Z0-9_]*$/;

export interface ParsedAuditBody {
  fields: RecordFields;
  /** ENRICHED fields (upper-case keys after the 0x1d separator, or glued on when it was lost). */
  enriched: Record<string, string>;
  /** True when the ENRICHED fields were glued to `code=`, their 0x1d separator lost (a paste). */
  lostSeparator: boolean;
}

/**
 * Decodes the kernel's hex encoding of an untrusted string (`comm=6D7920617070` is `my app`).
 * Returns null when the text is not an even-length run of hex digits.
 */
export function decodeHexString(text: string): string | null {
  if (text.length === 0 || text.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(text)) return null;
  return Buffer.from(text, 'hex').toString('latin1');
}

/** An unquoted value of an untrusted string field: hex-decoded unless it is `(null)` or `?`. */
function decodedUntrusted(value: string): string {
  return value !== '(null)' && value !== '?' ? decodeHexString(value) ?? value : value;
}

function unquoteValue(key: string, value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1);
  return UNTRUSTED_STRING_FIELDS.has(key) ? decodedUntrusted(value) : value;
}

/** Splits `code=0x80000000AUID="unset"`, a pasted ENRICHED record that lost its 0x1d byte. */
const GLUED_ENRICHED = /^(0x[0-9a-f]+)([A-Z][A-Z0-9_]*=.*)$/;

/**
 * Which field's `key=` starts at `at`, as its index in SECCOMP_FIELD_ORDER, or -1. Told by
 * the first letter, then compared in place: this runs for every word of every record, so it
 * makes no text.
 */
function fieldAt(raw: string, at: number): number {
  switch (raw.charCodeAt(at)) {
    case 0x61: // a
      return raw.startsWith('auid=', at) ? 0 : raw.startsWith('arch=', at) ? 10 : -1;
    case 0x75: // u
      return raw.startsWith('uid=', at) ? 1 : -1;
    case 0x67: // g
      return raw.startsWith('gid=', at) ? 2 : -1;
    case 0x73: // s
      if (raw.startsWith('ses=', at)) return 3;
      if (raw.startsWith('subj=', at)) return 4;
      if (raw.startsWith('sig=', at)) return 9;
      return raw.startsWith('syscall=', at) ? 11 : -1;
    case 0x70: // p
      return raw.startsWith('pid=', at) ? 5 : -1;
    case 0x63: // c
      if (raw.startsWith('comm=', at)) return 6;
      if (raw.startsWith('compat=', at)) return 12;
      return raw.startsWith('code=', at) ? 14 : -1;
    case 0x65: // e
      return raw.startsWith('exe=', at) ? 7 : -1;
    case 0x72: // r
      return raw.startsWith('reason=', at) ? 8 : -1;
    case 0x69: // i
      return raw.startsWith('ip=', at) ? 13 : -1;
    default:
      return -1;
  }
}

const CODE_FIELD = SECCOMP_FIELD_ORDER.indexOf('code');
/** Whether each field of SECCOMP_FIELD_ORDER is an untrusted string (UNTRUSTED_STRING_FIELDS). */
const UNTRUSTED_FIELD = SECCOMP_FIELD_ORDER.map((key) => UNTRUSTED_STRING_FIELDS.has(key));
const QUOTE = 0x22;

/**
 * The fields found, set in SECCOMP_FIELD_ORDER one name at a time: records of one shape then
 * make objects of one shape, which a loop over the names would not.
 */
function fieldsInKernelOrder(values: readonly (string | undefined)[]): RecordFields {
  const fields: RecordFields = {};
  if (values[0] !== undefined) fields.auid = values[0];
  if (values[1] !== undefined) fields.uid = values[1];
  if (values[2] !== undefined) fields.gid = values[2];
  if (values[3] !== undefined) fields.ses = values[3];
  if (values[4] !== undefined) fields.subj = values[4];
  if (values[5] !== undefined) fields.pid = values[5];
  if (values[6] !== undefined) fields.comm = values[6];
  if (values[7] !== undefined) fields.exe = values[7];
  if (values[8] !== undefined) fields.reason = values[8];
  if (values[9] !== undefined) fields.sig = values[9];
  if (values[10] !== undefined) fields.arch = values[10];
  if (values[11] !== undefined) fields.syscall = values[11];
  if (values[12] !== undefined) fields.compat = values[12];
  if (values[13] !== undefined) fields.ip = values[13];
  if (values[14] !== undefined) fields.code = values[14];
  return fields;
}

/**
 * Reads a raw (not `ausearch -i`) record body: space-separated `key=value` pairs, values
 * either `"quoted"` or bare, never holding a space (the kernel hex-encodes such values). One
 * pass over the words: a key counts where a word starts (at the start or after a space), and
 * the first occurrence of a key wins, so a record that repeats a key is not trusted beyond
 * it. Whatever follows `code=` is ENRICHED text: after the 0x1d separator, or glued on when a
 * paste lost it. The fields are set in the kernel's order, whatever the line's.
 */
export function parseAuditBody(body: string): ParsedAuditBody {
  const separatorAt = body.indexOf(SEPARATOR_GROUP);
  const raw = separatorAt === -1 ? body : body.slice(0, separatorAt);
  let enrichedText = separatorAt === -1 ? '' : body.slice(separatorAt + 1);
  let lostSeparator = false;
  const values: (string | undefined)[] = new Array<string | undefined>(SECCOMP_FIELD_ORDER.length);
  for (let at = 0; at < raw.length;) {
    const field = fieldAt(raw, at);
    const spaceAt = raw.indexOf(' ', at);
    const valueEnd = spaceAt === -1 ? raw.length : spaceAt;
    if (field !== -1 && values[field] === undefined) {
      const key = SECCOMP_FIELD_ORDER[field] as SeccompFieldName;
      const valueStart = at + key.length + 1;
      if (field === CODE_FIELD) {
        let value = raw.slice(valueStart, valueEnd);
        const glued = GLUED_ENRICHED.exec(value);
        if (glued) {
          value = glued[1] as string;
          lostSeparator = true;
        }
        enrichedText = `${glued ? (glued[2] as string) : ''}${raw.slice(valueEnd)} ${enrichedText}`;
        values[field] = unquoteValue(key, value);
      } else if (valueEnd - valueStart >= 2 && raw.charCodeAt(valueStart) === QUOTE && raw.charCodeAt(valueEnd - 1) === QUOTE) {
        values[field] = raw.slice(valueStart + 1, valueEnd - 1);
      } else {
        const value = raw.slice(valueStart, valueEnd);
        values[field] = UNTRUSTED_FIELD[field] ? decodedUntrusted(value) : value;
      }
    }
    if (spaceAt === -1) break;
    at = spaceAt + 1;
  }
  const fields = fieldsInKernelOrder(values);
  const enriched: Record<string, string> = {};
  if (enrichedText.trim() !== '') {
    for (const token of enrichedText.split(' ')) {
      const equals = token.indexOf('=');
      if (equals <= 0) continue;
      const key = token.slice(0, equals);
      if (!ENRICHED_KEY.test(key) || Object.hasOwn(enriched, key)) continue;
      enriched[key] = unquoteValue(key, token.slice(equals + 1));
    }
  }
  return { fields, enriched, lostSeparator };
}

/**
 * Reads an `ausearch -i` body, where values are interpreted and printed bare even when they
 * hold spaces (`comm=my app exe=/tmp/sc/my app`). Splits on the known field names in the
 * kernel's order instead of on spaces. The fields after `exe` never hold spaces, so they are
 * found from the right; `comm` and `exe` are what lies between their names; the ids before
 * them are read as words (a `subj` label with a space, `x (enforce)`, keeps its first word).
 */
export function parseInterpretedBody(body: string): RecordFields | null {
  const fields: RecordFields = {};
  let rest = ` ${body.trimEnd()}`;
  const tailKeys: SeccompFieldName[] = ['code', 'ip', 'compat', 'syscall', 'arch', 'sig'];
  for (const key of tailKeys) {
    const at = rest.lastIndexOf(` ${key}=`);
    if (at === -1) {
      if (key === 'compat' || key === 'ip') continue;
      return null;
    }
    fields[key] = rest.slice(at + key.length + 2);
    rest = rest.slice(0, at);
  }
  const commAt = rest.indexOf(' comm=');
  const exeAt = commAt === -1 ? rest.indexOf(' exe=') : rest.indexOf(' exe=', commAt);
  const headEnd = commAt !== -1 ? commAt : exeAt !== -1 ? exeAt : rest.length;
  for (const token of rest.slice(0, headEnd).split(' ')) {
    const equals = token.indexOf('=');
    if (equals <= 0) continue;
    const key = token.slice(0, equals) as SeccompFieldName;
    if (KNOWN_FIELDS.has(key) && fields[key] === undefined) {
      fields[key] = token.slice(equals + 1);
    }
  }
  if (commAt !== -1) fields.comm = rest.slice(commAt + 6, exeAt === -1 ? undefined : exeAt);
  if (exeAt !== -1) fields.exe = rest.slice(exeAt + 5);
  return fields;
}
