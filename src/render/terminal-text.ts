/**
 * Makes log-supplied text safe to print on a terminal: control bytes (C0, DEL, C1), which
 * could move the cursor, recolour or retitle the terminal, and Unicode direction overrides,
 * which could make text read differently than it is, are shown as visible escapes.
 */
export function escapeForTerminal(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\\]/g, (character) => {
    if (character === '\\') return '\\\\';
    const code = character.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/**
 * A message for stderr (a warning, an error, a stack trace), made safe as escapeForTerminal
 * makes output safe, line by line: its own line breaks are kept, every other control byte in
 * it, whoever put it there (a log, a store file, a file name), is shown escaped.
 */
export function escapeMessageForTerminal(message: string): string {
  return message.split('\n').map(escapeForTerminal).join('\n');
}

/**
 * ANSI styles, applied only when colour is on; the plain palette returns every text as it is,
 * so that output piped elsewhere is the same bytes with colour on or off.
 */
export interface Palette {
  syscall(text: string): string;
  /**
   * An action's name (or a word standing for one, `fail` in doctor), coloured for what it did:
   * the kill actions (and any word it does not know) red, errno, trap, trace and user_notif
   * yellow, log and allow dim. `kind` is the action when `text` is not its bare name.
   */
  action(text: string, kind?: string): string;
  /** What to do: a `fix:` line, a command to run. */
  fix(text: string): string;
  dim(text: string): string;
  warning(text: string): string;
}

const style = (open: string) => (text: string) => `\x1b[${open}m${text}\x1b[0m`;

const RED = style('31');
const YELLOW = style('33');
const DIM = style('2');
const BOLD = style('1');

/** The actions that let the call fail or pass on to someone else, and those that let it through. */
const YELLOW_ACTIONS: ReadonlySet<string> = new Set(['errno', 'trap', 'trace', 'user_notif']);
const DIM_ACTIONS: ReadonlySet<string> = new Set(['log', 'allow']);

export const COLOUR_PALETTE: Palette = {
  syscall: BOLD,
  action: (text, kind = text) => (DIM_ACTIONS.has(kind) ? DIM : YELLOW_ACTIONS.has(kind) ? YELLOW : RED)(text),
  fix: style('1;32'),
  dim: DIM,
  warning: YELLOW,
};

export const PLAIN_PALETTE: Palette = {
  syscall: (text) => text,
  action: (text) => text,
  fix: (text) => text,
  dim: (text) => text,
  warning: (text) => text,
};

/** `2023-03-16 14:12:30Z`: UTC, to the second. */
export function formatTime(time: number | null): string {
  if (time === null) return 'unknown';
  return `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** `1,204,567`: thousands grouped with commas, so that a count never reads as several numbers. */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
