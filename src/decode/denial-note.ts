/**
 * What the reader of a denial should know: an assumption made in decoding it, or a name the
 * log disagreed on. Data only; `src/render/denial-notes.ts` words them. Part of both JSON
 * forms (`note_codes`), and of the store's event context.
 */
export type DenialNote =
  /** The record has no `arch=` (pre-3.14 kernels): this ABI was assumed (`--abi`). */
  | { code: 'assumed-abi'; abi: string }
  /** auditd on the logging host (ENRICHED) named the call differently from our table. */
  | { code: 'auditd-named-differently'; name: string }
  /** `ausearch -i` named an arch that no table has. */
  | { code: 'interpreted-arch-unknown'; arch: string }
  /** `ausearch -i` named a syscall that the ABI's table does not have. */
  | { code: 'interpreted-syscall-unknown'; name: string; abi: string }
  /** No syscall table has the logged arch. */
  | { code: 'arch-unknown'; arch: string }
  /** The record has no `code=`. */
  | { code: 'no-action-code' }
  /** `code=` holds no seccomp action. */
  | { code: 'action-code-unknown'; value: string }
  /** `ausearch -i` prints `kill` for both kill_process and kill_thread. */
  | { code: 'interpreted-kill' }
  /** SIGKILL: strict-mode seccomp (mode 1). */
  | { code: 'strict-mode-kill' }
  /** A note an earlier version stored in words that it no longer recognises: kept as it was. */
  | { code: 'worded'; text: string };

/** Each code's data fields, all texts: what a stored note must hold to be one. */
const NOTE_FIELDS: Readonly<Record<DenialNote['code'], readonly string[]>> = {
  'assumed-abi': ['abi'],
  'auditd-named-differently': ['name'],
  'interpreted-arch-unknown': ['arch'],
  'interpreted-syscall-unknown': ['name', 'abi'],
  'arch-unknown': ['arch'],
  'no-action-code': [],
  'action-code-unknown': ['value'],
  'interpreted-kill': [],
  'strict-mode-kill': [],
  worded: ['text'],
};

/** The value as a note, when it is one (a known code with its text fields); else null. */
export function asDenialNote(value: unknown): DenialNote | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const code = (value as { code?: unknown }).code;
  if (typeof code !== 'string' || !Object.hasOwn(NOTE_FIELDS, code)) return null;
  const fields = NOTE_FIELDS[code as DenialNote['code']];
  const note: Record<string, string> = { code };
  for (const field of fields) {
    const text = (value as Record<string, unknown>)[field];
    if (typeof text !== 'string') return null;
    note[field] = text;
  }
  return Object.keys(value).length === fields.length + 1 ? (note as DenialNote) : null;
}

/** A note as one text, the same for equal notes: for telling notes apart and keying them. */
export function noteKey(note: DenialNote): string {
  return JSON.stringify(note);
}
