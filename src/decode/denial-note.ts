import { PASTE_REPAIRS, type PasteRepair } from '../records/index.js';

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
  /** Read leniently: a record pasted, quoted or re-printed, and what was repaired to read it (never trusted for `--write`). */
  | { code: 'repaired-paste'; repairs: PasteRepair[] }
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
  'repaired-paste': [],
  worded: ['text'],
};

/** Each code's list fields, with the values an item may take. */
const NOTE_LIST_FIELDS: Readonly<Partial<Record<DenialNote['code'], Readonly<Record<string, readonly string[]>>>>> = {
  'repaired-paste': { repairs: PASTE_REPAIRS },
};

/** The value as a list of `allowed` values (each once, in the order given), or null. */
function listOf(value: unknown, allowed: readonly string[]): string[] | null {
  if (!Array.isArray(value) || value.length === 0 || value.length > allowed.length) return null;
  if (!value.every((item) => typeof item === 'string' && allowed.includes(item))) return null;
  return new Set(value).size === value.length ? [...(value as string[])] : null;
}

/** The value as a note, when it is one (a known code with its text fields); else null. */
export function asDenialNote(value: unknown): DenialNote | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const code = (value as { code?: unknown }).code;
  if (typeof code !== 'string' || !Object.hasOwn(NOTE_FIELDS, code)) return null;
  const fields = NOTE_FIELDS[code as DenialNote['code']];
  const lists = NOTE_LIST_FIELDS[code as DenialNote['code']] ?? {};
  const note: Record<string, string | string[]> = { code };
  for (const field of fields) {
    const text = (value as Record<string, unknown>)[field];
    if (typeof text !== 'string') return null;
    note[field] = text;
  }
  for (const [field, allowed] of Object.entries(lists)) {
    const list = listOf((value as Record<string, unknown>)[field], allowed);
    if (list === null) return null;
    note[field] = list;
  }
  return Object.keys(value).length === fields.length + Object.keys(lists).length + 1 ? (note as DenialNote) : null;
}

/** A note as one text, the same for equal notes: for telling notes apart and keying them. */
export function noteKey(note: DenialNote): string {
  return JSON.stringify(note);
}
