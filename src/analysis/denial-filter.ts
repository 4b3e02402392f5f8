import type { Denial } from '../decode/index.js';

/** What the user narrowed the explanation to. Times are ms since the epoch. */
export interface DenialFilter {
  exe?: string;
  comm?: string;
  since?: number;
  until?: number;
}

const STAR = 0x2a;
const QUESTION_MARK = 0x3f;

/**
 * Whether `text` is matched by `pattern`, where `*` stands for any run of characters (`/`
 * too) and `?` for any one. Greedy, going back only to the latest `*`: at most the product of
 * the two lengths, never the exponential or polynomial blow-up of a backtracking search.
 */
function wildcardMatches(pattern: string, text: string): boolean {
  let patternAt = 0;
  let textAt = 0;
  let lastStar = -1;
  let textAtLastStar = 0;
  while (textAt < text.length) {
    const wanted = patternAt < pattern.length ? pattern.charCodeAt(patternAt) : -1;
    if (wanted === STAR) {
      lastStar = patternAt++;
      textAtLastStar = textAt;
    } else if (wanted === QUESTION_MARK || (wanted !== -1 && wanted === text.charCodeAt(textAt))) {
      patternAt++;
      textAt++;
    } else if (lastStar !== -1) {
      patternAt = lastStar + 1;
      textAt = ++textAtLastStar;
    } else {
      return false;
    }
  }
  while (patternAt < pattern.length && pattern.charCodeAt(patternAt) === STAR) patternAt++;
  return patternAt === pattern.length;
}

/** A shell-style pattern (`*`, `?`) as a whole-string matcher; no wildcard means exact. */
export function globMatcher(pattern: string): (text: string | null) => boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return (text) => text === pattern;
  return (text) => text !== null && wildcardMatches(pattern, text);
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
