import { PASTE_JOIN } from '../formats/index.js';

/**
 * What a lenient reading repaired in a record copied from a mail, a forum, a bug report or
 * another tool's report (docs/fixtures.md, "Pasted text"). A record read this way is never
 * trusted for `suggest --write` (src/analysis/record-trust.ts).
 */
export type PasteRepair =
  /** `> `, `>> `: a mail or forum quote. */
  | 'quote-prefix'
  /** `# `, `// `: a comment (or a root shell's prompt). */
  | 'comment-prefix'
  /** Leading spaces or tabs: a markdown code block, an indented quote. */
  | 'indent'
  /** `52:` or `audit.log:52:`: `grep -n`. */
  | 'line-number'
  /** `$ `, `user@host:~$ `, `[user@host ~]# `: a shell prompt before a pasted line. */
  | 'shell-prompt'
  /** `**syscall=296**`, backticks: markdown inline formatting. */
  | 'markdown'
  /** One record hard-wrapped over several lines (mail, forums, kernel lists), joined. */
  | 'rewrapped'
  /** `...` or `…` in the record: decoded from the fields that are there. */
  | 'elided'
  /** An ENRICHED record whose 0x1d separator was lost: `code=0x80000000AUID="…"`. */
  | 'lost-separator'
  /** A syslog line with a host name and a tag but no time stamp (`nas01 kernel: …`). */
  | 'stampless-syslog'
  /** A journal viewer's export: a bare `HH:MM:SS` and the tag, no date. */
  | 'bare-time-stamp'
  /** The record as another tool's report quotes it (snappy-debug's `Log:` line). */
  | 'quoted-by-tool';

/** Every repair, in the order the notes list them. */
export const PASTE_REPAIRS: readonly PasteRepair[] = [
  'quote-prefix', 'comment-prefix', 'indent', 'line-number', 'shell-prompt', 'markdown', 'rewrapped', 'elided', 'lost-separator',
  'stampless-syslog', 'bare-time-stamp', 'quoted-by-tool',
];

const SPACE = 0x20;
const TAB = 0x09;
const GREATER = 0x3e;
const HASH = 0x23;
/** How many prefixes (quote marks, a prompt, a line number…) one line may carry before its record. */
const MAX_PREFIXES = 8;

/**
 * `52:`, `52-` (a `grep -n` context line), `audit.log:52:`; never the start of a time
 * `14:12:30`, but before snappy-debug's `330(pkey_alloc)` on a wrapped line.
 */
const LINE_NUMBER = /(?:[\w./-]{1,256}:)?\d{1,9}[:-](?!\d)|\d{1,9}[:-](?=\d{1,10}\()/y;
/** `$ `, `user@host:~/dir$ `, `root@host:~# `, `[user@host dir]$ `. */
const SHELL_PROMPT = /(?:\$|[\w.-]{1,64}@[\w.-]{1,64}(?::[^\s$#]{0,256})?[$#]|\[[\w.-]{1,64}@[\w.-]{1,64}[^\]\n]{0,256}\][$#]) /y;

export interface PastePrefix {
  /** Where the text after the prefixes starts. */
  end: number;
  repairs: PasteRepair[];
}

function addRepair(repairs: PasteRepair[], repair: PasteRepair): void {
  if (!repairs.includes(repair)) repairs.push(repair);
}

function matchesAt(pattern: RegExp, text: string, at: number): number {
  pattern.lastIndex = at;
  return pattern.test(text) ? pattern.lastIndex : -1;
}

/**
 * The quote marks, indent, comment marks, shell prompt and `grep -n` number a paste put
 * before a line's text, in any order, at most MAX_PREFIXES of them. Each pattern is anchored
 * where the last one ended and bounded, so this reads a few hundred characters at most.
 */
export function readPastePrefix(text: string): PastePrefix {
  const repairs: PasteRepair[] = [];
  let at = 0;
  for (let step = 0; step < MAX_PREFIXES && at < text.length; step++) {
    const code = text.charCodeAt(at);
    if (code === SPACE || code === TAB) {
      if (at === 0) addRepair(repairs, 'indent');
      while (text.charCodeAt(at) === SPACE || text.charCodeAt(at) === TAB) at++;
      continue;
    }
    if (code === GREATER) {
      addRepair(repairs, 'quote-prefix');
      while (text.charCodeAt(at) === GREATER || text.charCodeAt(at) === SPACE) at++;
      continue;
    }
    if (text.startsWith('//', at) || (code === HASH && (at + 1 === text.length || text.charCodeAt(at + 1) === SPACE))) {
      addRepair(repairs, 'comment-prefix');
      at += code === HASH ? 1 : 2;
      continue;
    }
    const prompt = matchesAt(SHELL_PROMPT, text, at);
    if (prompt !== -1) {
      addRepair(repairs, 'shell-prompt');
      at = prompt;
      continue;
    }
    const number = matchesAt(LINE_NUMBER, text, at);
    if (number !== -1) {
      addRepair(repairs, 'line-number');
      at = number;
      continue;
    }
    break;
  }
  return { end: at, repairs };
}

/** `**`, `*` or backticks next to a space or an end of the text: markdown's, not the record's. */
const MARKDOWN_OPENING = /(^|\s)(?:\*{1,3}|`{1,3})(?=\S)/g;
const MARKDOWN_CLOSING = /(\S)(?:\*{1,3}|`{1,3})(?=\s|$)/g;
/** A quoted string field cut short by an elision, its closing quote lost with the rest. */
const ELIDED_QUOTED_VALUE = /(^|\s)(comm|exe|subj)="([^"\s]*(?:…|\.\.\.))(?=\s|$)/g;

export interface RepairedText {
  text: string;
  repairs: PasteRepair[];
}

/**
 * A pasted line, or the lines of a joined record (src/formats/pasted-text.ts), as the record
 * it holds: prefixes taken off each line, the lines joined at single spaces (a
 * `format=flowed` line's trailing space included), markdown's marks taken off, and an
 * elided quoted value closed. Each repair made is named. Linear in the text: each pattern
 * is a single pass without nested repetition.
 */
export function repairPastedText(line: string): RepairedText {
  const repairs: PasteRepair[] = [];
  const joined = line.startsWith(PASTE_JOIN);
  const parts = joined ? line.slice(1).split(PASTE_JOIN) : [line];
  const pieces: string[] = [];
  for (const part of parts) {
    const prefix = readPastePrefix(part);
    for (const repair of prefix.repairs) addRepair(repairs, repair);
    const piece = part.slice(prefix.end).trimEnd();
    if (piece !== '') pieces.push(piece);
  }
  if (joined && pieces.length > 1) addRepair(repairs, 'rewrapped');
  let text = pieces.join(' ');
  if (text.includes('*') || text.includes('`')) {
    const unmarked = text.replace(MARKDOWN_OPENING, '$1').replace(MARKDOWN_CLOSING, '$1');
    if (unmarked !== text) addRepair(repairs, 'markdown');
    text = unmarked;
  }
  if (hasElision(text)) {
    addRepair(repairs, 'elided');
    text = text.replace(ELIDED_QUOTED_VALUE, '$1$2="$3"');
  }
  return { text, repairs };
}

/** Whether a text holds an elision, `...` or `…`. */
export function hasElision(text: string): boolean {
  return text.includes('…') || text.includes('...');
}
