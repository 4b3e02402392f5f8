import { asDenialNote, type DenialNote } from '../../decode/index.js';
import { StoreDamageError } from '../store-errors.js';

/**
 * Values read back from the store's columns, checked: a store file may have been edited or
 * damaged by anyone who could write it, so a column that does not hold what this program
 * wrote makes a StoreDamageError (reported as StoreCorruptError, exit 2), never a crash
 * further on.
 */

/** An integer column (pid, serial, uid…), or null. */
export function storedInteger(value: unknown, where: string): number | null {
  if (value === null || Number.isSafeInteger(value)) return value as number | null;
  throw new StoreDamageError(`${where} is not a whole number`);
}

/** The largest time a Date holds, in ms from the epoch either way. */
const LARGEST_TIME = 8.64e15;

/** A time column: ms since the epoch, within what a Date can hold, or null. */
export function storedTime(value: unknown, where: string): number | null {
  const time = storedInteger(value, where);
  if (time !== null && Math.abs(time) > LARGEST_TIME) throw new StoreDamageError(`${where} is not a time`);
  return time;
}

/** A text column, or null. */
export function storedText(value: unknown, where: string): string | null {
  if (value === null || typeof value === 'string') return value as string | null;
  throw new StoreDamageError(`${where} is not text`);
}

/** A text column that is never null. */
export function storedRequiredText(value: unknown, where: string): string {
  if (typeof value === 'string') return value;
  throw new StoreDamageError(`${where} is not text`);
}

/** A JSON list of denial notes (event_context.notes). */
export function storedNoteList(value: unknown, where: string): DenialNote[] {
  const list = storedJson(value, where);
  if (!Array.isArray(list)) throw new StoreDamageError(`${where} is not a JSON list of notes`);
  return list.map((item) => {
    const note = asDenialNote(item);
    if (note === null) throw new StoreDamageError(`${where} holds a value that is not a note`);
    return note;
  });
}

function storedJson(value: unknown, where: string): unknown {
  try {
    return JSON.parse(storedRequiredText(value, where));
  } catch (error) {
    if (error instanceof StoreDamageError) throw error;
    throw new StoreDamageError(`${where} is not JSON`);
  }
}

/** A JSON list of texts (event_context.notes before schema version 3). */
export function storedTextList(value: unknown, where: string): string[] {
  const list = storedJson(value, where);
  if (!Array.isArray(list) || !list.every((item) => typeof item === 'string')) throw new StoreDamageError(`${where} is not a JSON list of texts`);
  return list as string[];
}
