/**
 * What a log pipeline's JSON document says of one seccomp event, read from the parsed document
 * by the form's own module (auditbeat-document.ts, laurel-event.ts, seccomp-explain-ndjson.ts):
 * the record's fields as the kernel's `key=value` text would give them, before any decoding.
 * src/records/document-record.ts makes an AuditRecord of it.
 */
export interface SeccompDocument {
  /** The record form: the document's own (`auditbeat`, `laurel`), or the one seccomp-explain's NDJSON names. */
  format: string;
  /** The event time in ms since the epoch, or null. */
  time: number | null;
  /** Whether `time` is the audit id's own, to the millisecond. */
  timePrecise: boolean;
  serial: number | null;
  host: string | null;
  /** Fields under the kernel's names (`arch`, `syscall`, `sig`, `code`, `pid`, `uid`, `comm`, …), as text. */
  fields: Record<string, string>;
  /** Interpretations the shipper added, under ENRICHED's upper-case names (`UID`, `SYSCALL`). */
  enriched: Record<string, string>;
  /** True when `arch` and `syscall` are names (`x86_64`, `getpgid`), not the logged numbers. */
  interpreted: boolean;
}

/** A document that is a seccomp event but cannot be read as one: why. */
export interface DamagedSeccompDocument {
  damaged: string;
}

export type SeccompDocumentReading = SeccompDocument | DamagedSeccompDocument | null;

export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `value.a.b.c`, when each step is an object. */
export function pathOf(value: unknown, ...steps: string[]): unknown {
  let at = value;
  for (const step of steps) {
    if (!isObject(at)) return undefined;
    at = at[step];
  }
  return at;
}

/** A JSON string or finite number as text; anything else undefined. */
export function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'boolean') return value ? '1' : '0';
  return undefined;
}

/** A serial as a positive safe integer, from a number or decimal text. */
export function serialOf(value: unknown): number | null {
  const text = textOf(value);
  if (text === undefined || !/^\d{1,16}$/.test(text)) return null;
  const serial = Number(text);
  return Number.isSafeInteger(serial) && serial > 0 ? serial : null;
}

/** An audit id `SECONDS.MILLIS:SERIAL` (laurel's `ID`). */
export function auditIdOf(text: string): { time: number; serial: number } | null {
  const match = /^(\d{1,12})\.(\d{3}):(\d{1,16})$/.exec(text);
  if (!match) return null;
  const time = Number(match[1]) * 1000 + Number(match[2]);
  const serial = Number(match[3]);
  return Number.isSafeInteger(serial) && serial > 0 ? { time, serial } : null;
}

/** An ISO 8601 time with its zone as ms since the epoch, or null. */
export function isoTimeOf(value: unknown): number | null {
  if (typeof value !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?(Z|[+-]\d\d:?\d\d)$/.test(value)) return null;
  const time = Date.parse(value);
  return Number.isFinite(time) ? time : null;
}

/** Whether an `arch` and a `syscall` are the logged numbers (hex arch, decimal number). */
export function isRawIdentity(arch: string | undefined, syscall: string | undefined): boolean {
  return (arch === undefined || /^[0-9a-fA-F]{1,8}$/.test(arch)) && (syscall === undefined || /^-?\d+$/.test(syscall));
}
