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

/** ANSI styles, applied only when colour is on. */
export interface Palette {
  syscall(text: string): string;
  action(text: string): string;
  dim(text: string): string;
  warning(text: string): string;
}

const style = (open: string) => (text: string) => `\x1b[${open}m${text}\x1b[0m`;

export const COLOUR_PALETTE: Palette = {
  syscall: style('1'),
  action: style('31'),
  dim: style('2'),
  warning: style('33'),
};

export const PLAIN_PALETTE: Palette = {
  syscall: (text) => text,
  action: (text) => text,
  dim: (text) => text,
  warning: (text) => text,
};

/** `2023-03-16 14:12:30Z`: UTC, to the second. */
export function formatTime(time: number | null): string {
  if (time === null) return 'unknown';
  return `${new Date(time).toISOString().slice(0, 19).replace('T', ' ')}Z`;
}

/** `1 204 567`: thousands grouped with thin spaces, readable in any locale. */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}
