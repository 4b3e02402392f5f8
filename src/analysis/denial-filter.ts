import type { Denial } from '../decode/index.js';

/** What the user narrowed the explanation to. Times are ms since the epoch. */
export interface DenialFilter {
  exe?: string;
  comm?: string;
  since?: number;
  until?: number;
}

/** A shell-style pattern (`*`, `?`) as a whole-string matcher; no wildcard means exact. */
export function globMatcher(pattern: string): (text: string | null) => boolean {
  if (!/[*?]/.test(pattern)) return (text) => text === pattern;
  const source = pattern
    .split('')
    .map((character) => (character === '*' ? '.*' : character === '?' ? '.' : character.replace(/[\\^$.|+()[\]{}]/g, '\\$&')))
    .join('');
  const expression = new RegExp(`^${source}$`, 's');
  return (text) => text !== null && expression.test(text);
}

/** Builds the predicate for a filter. Denials without a time pass time bounds only when none are set. */
export function denialPredicate(filter: DenialFilter): (denial: Denial) => boolean {
  const exe = filter.exe === undefined ? null : globMatcher(filter.exe);
  const comm = filter.comm === undefined ? null : globMatcher(filter.comm);
  return (denial) => {
    if (exe && !exe(denial.exe)) return false;
    if (comm && !comm(denial.comm)) return false;
    if (filter.since !== undefined && (denial.time === null || denial.time < filter.since)) return false;
    if (filter.until !== undefined && (denial.time === null || denial.time > filter.until)) return false;
    return true;
  };
}
