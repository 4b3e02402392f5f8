import { auditIdOf, isObject, textOf, type JsonObject, type SeccompDocumentReading } from './seccomp-document.js';

/**
 * laurel's JSON lines: one audit event a line, `"ID": "SECONDS.MILLIS:SERIAL"`, `"NODE"` when
 * auditd logged a node name, and each record type other than SYSCALL, EXECVE, CWD, PROCTITLE
 * as a list of objects: `"SECCOMP": [{…}]`. Decimal fields are JSON numbers, hex fields
 * `0x`-prefixed text (`"arch": "0xc000003e"`, `"ip": "0x…"`, `"code": "0x80000000"`), strings
 * with bytes outside printable ASCII (and `%`, `+`, space) percent-encoded, and auditd's
 * ENRICHED interpretations kept under their upper-case names (`"ARCH": "x86_64"`).
 */

export const LAUREL_MARKER = '"SECCOMP":[';

/** Fields whose text laurel percent-encodes: the strings the kernel logs. */
const STRING_FIELDS: ReadonlySet<string> = new Set(['comm', 'exe', 'subj']);

/** `%XX` sequences as bytes, the whole as latin1 (as a hex-encoded `comm=` is read); null when damaged. */
export function percentDecoded(text: string): string | null {
  if (!text.includes('%')) return text;
  if (/%(?![0-9A-Fa-f]{2})/.test(text)) return null;
  return text.replace(/%([0-9A-Fa-f]{2})/g, (_whole, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

export function readLaurelEvent(parsed: JsonObject, text: string): SeccompDocumentReading {
  if (!text.includes(LAUREL_MARKER)) return null;
  const records = parsed.SECCOMP;
  if (!Array.isArray(records)) return null;
  const record = records[0];
  if (!isObject(record)) return { damaged: 'laurel SECCOMP list without a record' };
  const id = typeof parsed.ID === 'string' ? auditIdOf(parsed.ID) : null;
  if (id === null) return { damaged: `laurel event with an unreadable ID ${JSON.stringify(parsed.ID)}` };
  const fields: Record<string, string> = {};
  const enriched: Record<string, string> = {};
  for (const [name, value] of Object.entries(record)) {
    const valueText = textOf(value);
    if (valueText === undefined) continue;
    if (/^[A-Z][A-Z0-9_]*$/.test(name)) {
      enriched[name] = valueText;
      continue;
    }
    if (STRING_FIELDS.has(name)) {
      const decoded = percentDecoded(valueText);
      if (decoded === null) return { damaged: `laurel ${name} with a damaged percent-encoding` };
      fields[name] = decoded;
    } else if (name === 'arch') {
      fields[name] = valueText.replace(/^0x/i, '');
    } else {
      fields[name] = valueText;
    }
  }
  for (const required of ['arch', 'syscall', 'code']) {
    if (fields[required] === undefined) return { damaged: `laurel SECCOMP record without ${required}` };
  }
  const node = textOf(parsed.NODE);
  return {
    format: 'laurel',
    time: id.time,
    timePrecise: true,
    serial: id.serial,
    host: node === undefined || node === '' ? null : node,
    fields,
    enriched,
    interpreted: false,
  };
}
