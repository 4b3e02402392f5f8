import type { DenialNote } from './denial-note.js';
/** The seccomp filter action a record's `code=` names. Part of the JSON interfaces. */
export type SeccompAction =
  | 'kill_process'
  | 'kill_thread'
  | 'trap'
  | 'errno'
  | 'user_notif'
  | 'trace'
  | 'log'
  | 'allow'
  | 'unknown';

/** SECCOMP_RET_ACTION_FULL: the bits of a filter's return value that name the action. */
const ACTION_MASK = 0xffff0000;

/** The action values of linux/seccomp.h, as data. */
const ACTIONS_BY_CODE: ReadonlyMap<number, SeccompAction> = new Map<number, SeccompAction>([
  [0x80000000, 'kill_process'],
  [0x00000000, 'kill_thread'],
  [0x00030000, 'trap'],
  [0x00050000, 'errno'],
  [0x7fc00000, 'user_notif'],
  [0x7ff00000, 'trace'],
  [0x7ffc0000, 'log'],
  [0x7fff0000, 'allow'],
]);

/** What `ausearch -i` prints for `code=`, and the action each name means. */
const ACTIONS_BY_INTERPRETED_NAME: ReadonlyMap<string, SeccompAction> = new Map<string, SeccompAction>([
  ['kill-process', 'kill_process'],
  ['kill_process', 'kill_process'],
  ['kill-thread', 'kill_thread'],
  ['kill_thread', 'kill_thread'],
  ['trap', 'trap'],
  ['errno', 'errno'],
  ['user-notif', 'user_notif'],
  ['user-notify', 'user_notif'],
  ['user_notif', 'user_notif'],
  ['trace', 'trace'],
  ['log', 'log'],
  ['allow', 'allow'],
]);

export interface DecodedAction {
  action: SeccompAction;
  /** Why the action could not be told exactly, when it could not. */
  note: DenialNote | null;
}

/** The actions of the codes seen: a few, asked for on every record. */
const ACTIONS_OF_CODES = new Map<string, DecodedAction>();
const REMEMBERED_CODES = 256;

/** Reads `code=0x80000000` (the kernel masks the data bits, but an unmasked value is read too). */
export function decodeAction(code: string): DecodedAction {
  let decoded = ACTIONS_OF_CODES.get(code);
  if (decoded === undefined) {
    decoded = Object.freeze(readAction(code));
    if (ACTIONS_OF_CODES.size < REMEMBERED_CODES) ACTIONS_OF_CODES.set(code, decoded);
  }
  return decoded;
}

function readAction(code: string): DecodedAction {
  // auparse prints a value its table lacks as `unknown-seccomp-code(0x7fc00000)`.
  const unnamed = /^unknown-seccomp-code\((0x[0-9a-fA-F]{1,8})\)$/.exec(code);
  if (unnamed) return readAction(unnamed[1] as string);
  if (/^0x[0-9a-fA-F]{1,8}$/.test(code)) {
    const action = ACTIONS_BY_CODE.get((Number.parseInt(code, 16) & ACTION_MASK) >>> 0);
    return action ? { action, note: null } : { action: 'unknown', note: { code: 'action-code-unknown', value: code } };
  }
  const interpreted = ACTIONS_BY_INTERPRETED_NAME.get(code.toLowerCase());
  if (interpreted) return { action: interpreted, note: null };
  if (code.toLowerCase() === 'kill') {
    return { action: 'unknown', note: { code: 'interpreted-kill' } };
  }
  return { action: 'unknown', note: { code: 'action-code-unknown', value: code } };
}
