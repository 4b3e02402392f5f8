import type Database from 'better-sqlite3';
import { noteKey, type DenialNote } from '../../decode/index.js';
import { storedInteger, storedRequiredText, storedText, storedTextList } from './stored-values.js';

/**
 * The notes as schema versions 1 and 2 stored them, in words, back to typed values. Each
 * pattern is one sentence those versions wrote; a text none matches is kept as it was.
 */
const WORDED_NOTES: readonly [RegExp, (match: RegExpExecArray) => DenialNote][] = [
  [/^the record has no arch=; (\S+) assumed \(--abi to change\)$/, (match) => ({ code: 'assumed-abi', abi: match[1] as string })],
  [/^auditd on the host named it (\S+)$/, (match) => ({ code: 'auditd-named-differently', name: match[1] as string })],
  [/^ausearch -i named the arch (\S+), which no table has$/, (match) => ({ code: 'interpreted-arch-unknown', arch: match[1] as string })],
  [/^ausearch -i named the syscall (\S+), which the (\S+) table does not have$/, (match) => ({ code: 'interpreted-syscall-unknown', name: match[1] as string, abi: match[2] as string })],
  [/^no syscall table has arch (\S+)$/, (match) => ({ code: 'arch-unknown', arch: match[1] as string })],
  [/^the record has no code=$/, () => ({ code: 'no-action-code' })],
  [/^code=(\S*) is no seccomp action$/, (match) => ({ code: 'action-code-unknown', value: match[1] as string })],
  [/^ausearch -i prints code=kill for both kill_process and kill_thread$/, () => ({ code: 'interpreted-kill' })],
  [/^SIGKILL: strict-mode seccomp \(mode 1\), which allows only read, write, exit and sigreturn$/, () => ({ code: 'strict-mode-kill' })],
];

export function noteFromWords(text: string): DenialNote {
  for (const [pattern, note] of WORDED_NOTES) {
    const match = pattern.exec(text);
    if (match) return note(match);
  }
  return { code: 'worded', text };
}

function keyPart(text: string | null): string {
  return text === null ? '-' : `${text.length}:${text}`;
}

/**
 * A context's key as version 3 makes it, frozen here as it was then (the store's own key may
 * grow with fields added later, which this migration must not read).
 */
function version3ContextKey(row: Record<string, unknown>, notes: DenialNote[], where: string): string {
  const uid = row.uid === null ? null : storedInteger(row.uid, `${where} uid`);
  let key = `${uid ?? '-'} ${keyPart(storedText(row.user, `${where} user`))}${keyPart(storedText(row.host, `${where} host`))}`
    + `${storedRequiredText(row.format, `${where} format`)} ${keyPart(storedText(row.unit, `${where} unit`))}${notes.length}`;
  for (const note of notes) key += keyPart(noteKey(note));
  return key;
}

/**
 * Schema version 3: event contexts keep their notes as typed values, and are keyed by them, so
 * that rewording a note in a later version splits no stored context.
 */
export function typeStoredNotes(db: Database.Database): void {
  const worded = db.prepare("SELECT id, uid, user, host, format, unit, notes FROM event_context WHERE notes <> '[]'").all() as ({ id: number } & Record<string, unknown>)[];
  const setContext = db.prepare('UPDATE event_context SET notes = ?, key = ? WHERE id = ?');
  // Keys are set in two steps, so that no new key meets an old one that is about to change.
  for (const row of worded) setContext.run(row.notes, `migrating ${row.id}`, row.id);
  const idOfKey = db.prepare('SELECT id FROM event_context WHERE key = ?').pluck();
  const moveEvents = db.prepare('UPDATE event SET context_id = ? WHERE context_id = ?');
  const remove = db.prepare('DELETE FROM event_context WHERE id = ?');
  for (const row of worded) {
    const where = `event_context ${row.id}`;
    const notes = storedTextList(row.notes, `${where} notes`).map(noteFromWords);
    const key = version3ContextKey(row, notes, where);
    const same = idOfKey.get(key) as number | undefined;
    if (same === undefined) {
      setContext.run(JSON.stringify(notes), key, row.id);
    } else {
      // Two wordings of one note (an older version's and a newer one's) are one context now.
      moveEvents.run(same, row.id);
      remove.run(row.id);
    }
  }
}
