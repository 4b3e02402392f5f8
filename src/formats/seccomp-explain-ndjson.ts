import { isoTimeOf, serialOf, textOf, type JsonObject, type SeccompDocumentReading } from './seccomp-document.js';

/**
 * seccomp-explain's own `--ndjson` (README, "--ndjson"), read back so that per-host outputs
 * merge centrally: one event a line, the record's values as logged (`arch` as 8 hex digits,
 * `nr`, `code`, `pid`, `uid`, …) beside what our tables derived from them, which is decoded
 * again rather than believed. The event keeps the form it was first read from (`format`).
 */

export const SECCOMP_EXPLAIN_NDJSON_MARKER = '"note_codes":';

const UNSET_ID = '4294967295';

export function readSeccompExplainNdjson(parsed: JsonObject, text: string): SeccompDocumentReading {
  if (!text.includes(SECCOMP_EXPLAIN_NDJSON_MARKER) || !Array.isArray(parsed.note_codes) || typeof parsed.format !== 'string') return null;
  const arch = parsed.arch;
  const nr = parsed.nr;
  if (arch !== null && (typeof arch !== 'string' || !/^[0-9a-f]{8}$/.test(arch))) return { damaged: 'seccomp-explain NDJSON with an unreadable arch' };
  if (typeof nr !== 'number' || !Number.isSafeInteger(nr)) return { damaged: 'seccomp-explain NDJSON without nr' };
  const fields: Record<string, string> = { syscall: String(nr) };
  if (arch !== null) fields.arch = arch;
  const put = (name: string, value: unknown): void => {
    const valueText = textOf(value);
    if (valueText !== undefined) fields[name] = valueText;
  };
  put('code', parsed.code);
  put('pid', parsed.pid);
  put('comm', parsed.comm);
  put('exe', parsed.exe);
  put('ip', parsed.ip);
  put('compat', parsed.compat);
  put('sig', parsed.signal);
  fields.uid = textOf(parsed.uid) ?? UNSET_ID;
  fields.auid = textOf(parsed.auid) ?? UNSET_ID;
  if (fields.code === undefined) return { damaged: 'seccomp-explain NDJSON without code' };
  const enriched: Record<string, string> = {};
  const user = textOf(parsed.user);
  if (user !== undefined && user !== '') enriched.UID = user;
  const serial = serialOf(parsed.serial);
  const time = isoTimeOf(parsed.time);
  const host = textOf(parsed.host);
  return {
    format: parsed.format,
    time,
    timePrecise: time !== null && serial !== null,
    serial,
    host: host === undefined || host === '' ? null : host,
    fields,
    enriched,
    interpreted: false,
  };
}
