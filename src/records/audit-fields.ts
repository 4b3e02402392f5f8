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
}

/**
 * Decodes the kernel's hex encoding of an untrusted string (`comm=6D7920617070` is `my app`).
 * Returns null when the text is not an even-length run of hex digits.
 */
export function decodeHexString(text: string): string | null {
  if (text.length === 0 || text.length % 2 !== 0 || !/^[0-9A-Fa-f]+$/.test(text)) return null;
  return Buffer.from(text, 'hex').toString('latin1');
}

function unquoteValue(key: string, value: string): string {
  if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) return value.slice(1, -1);
  if (UNTRUSTED_STRING_FIELDS.has(key) && value !== '(null)' && value !== '?') {
    return decodeHexString(value) ?? value;
  }
  return value;
}

/** Splits `code=0x80000000AUID="unset"`, a pasted ENRICHED record that lost its 0x1d byte. */
const GLUED_ENRICHED = /^(0x[0-9a-f]+)([A-Z][A-Z0-9_]*=.*)$/;

/** `key=` and ` key=` for every field, made once: this runs for every record. */
const FIELD_NEEDLES = SECCOMP_FIELD_ORDER.map((key) => [key, `${key}=`, ` ${key}=`] as const);

/** Where a field's `key=` starts in a body of space-separated pairs, or -1. */
function fieldStart(raw: string, first: string, later: string): number {
  if (raw.startsWith(first)) return 0;
  const at = raw.indexOf(later);
  return at === -1 ? -1 : at + 1;
}

/**
 * Reads a raw (not `ausearch -i`) record body: space-separated `key=value` pairs, values
 * either `"quoted"` or bare, never holding a space (the kernel hex-encodes such values). Each
 * known field is looked up by name, so the first occurrence of a key wins: a record that
 * repeats a key is not trusted beyond it. Whatever follows `code=` is ENRICHED text: after
 * the 0x1d separator, or glued on when a paste lost it.
 */
export function parseAuditBody(body: string): ParsedAuditBody {
  const fields: RecordFields = {};
  const separatorAt = body.indexOf(SEPARATOR_GROUP);
  const raw = separatorAt === -1 ? body : body.slice(0, separatorAt);
  let enrichedText = separatorAt === -1 ? '' : body.slice(separatorAt + 1);
  for (const [key, first, later] of FIELD_NEEDLES) {
    const start = fieldStart(raw, first, later);
    if (start === -1) continue;
    const valueStart = start + key.length + 1;
    const spaceAt = raw.indexOf(' ', valueStart);
    const valueEnd = spaceAt === -1 ? raw.length : spaceAt;
    let value = raw.slice(valueStart, valueEnd);
    if (key === 'code') {
      const glued = GLUED_ENRICHED.exec(value);
      if (glued) value = glued[1] as string;
      enrichedText = `${glued ? (glued[2] as string) : ''}${raw.slice(valueEnd)} ${enrichedText}`;
    }
    fields[key] = unquoteValue(key, value);
  }
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
  return { fields, enriched };
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
