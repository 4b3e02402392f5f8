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
  | { code: 'strict-mode-kill' };

/** A note as one text, the same for equal notes: for telling notes apart and keying them. */
export function noteKey(note: DenialNote): string {
  return JSON.stringify(note);
}
