import type { RecordOrigin } from './record-origin.js';
import type { RecordFields } from './audit-fields.js';
import type { PasteRepair } from './pasted-text.js';

/** Which textual form a record was read from. Part of the `--ndjson` interface. */
export type RecordFormat =
  /** `audit: type=1326 audit(…)` as the kernel logs it: dmesg, kern.log, `journalctl -k`. */
  | 'kernel'
  /** Pre-`AUDIT_SECCOMP` kernels: `type=1701 … reason="seccomp"`, no `arch=`. */
  | 'kernel-abend'
  /** journald's audit transport in text form: `audit[PID]: SECCOMP auid=…`. */
  | 'journal-audit'
  /** auditd's `audit.log` or `ausearch` raw output: `type=SECCOMP msg=audit(…): …`. */
  | 'auditd'
  /** auditd `log_format=ENRICHED`: the raw record plus interpreted upper-case fields. */
  | 'auditd-enriched'
  /** `ausearch -i`: interpreted names and local dates. */
  | 'ausearch-interpreted'
  /** `journalctl -o json`, either transport. */
  | 'journal-json'
  /** Auditbeat / Elastic Agent auditd events (`event.action: violated-seccomp-policy`). */
  | 'auditbeat'
  /** laurel's JSON lines (`"SECCOMP": [{…}]`). */
  | 'laurel'
  /** The record as snappy-debug's `= Seccomp =` report quotes it: `Log: auid=… 330(pkey_alloc) …`. */
  | 'snappy-debug';

/** One seccomp audit record as read from one line, before any decoding of its numbers. */
export interface AuditRecord {
  format: RecordFormat;
  /** Event time in milliseconds since the epoch, or null when the line does not tell. */
  time: number | null;
  /** Whether `time` carries milliseconds (audit ids do; syslog stamps only carry seconds). */
  timePrecise: boolean;
  /** The audit serial, unique per boot; null when the form drops it. */
  serial: number | null;
  host: string | null;
  fields: RecordFields;
  /** ENRICHED interpretations, keyed by their upper-case names. */
  enriched: Record<string, string>;
  /** True when the values are `ausearch -i` interpretations (names, not numbers). */
  interpreted: boolean;
  /** Where the line says it came from: a journal entry's own fields, or a text line's syslog tag. */
  origin: RecordOrigin;
  /** The line the record came from. */
  text: string;
  /**
   * Present only on a lenient reading: what was repaired to read a record pasted, quoted or
   * re-printed by someone else. Such a record is never trusted (src/analysis/record-trust.ts).
   */
  repairs?: PasteRepair[];
}

/** A line that announced itself as a seccomp record but could not be read as one. */
export interface MalformedRecord {
  malformed: true;
  reason: string;
  text: string;
}

export type LineReading = AuditRecord | MalformedRecord | null;

export function isMalformed(reading: LineReading): reading is MalformedRecord {
  return reading !== null && 'malformed' in reading;
}
