/**
 * "Did you mean …?": the names nearest to a mistyped one, by edit distance. Used for command
 * names (src/cli), syscall names and group names (lookup, groups).
 */

/**
 * The number of single-character insertions, deletions, substitutions and swaps of two
 * neighbours that turn `a` into `b` (optimal string alignment distance), or `limit + 1` as soon
 * as it is known to exceed `limit`. Work is at most `a.length × b.length`, and nothing when the
 * lengths alone differ by more than `limit`.
 */
export function editDistance(a: string, b: string, limit = Number.MAX_SAFE_INTEGER): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, column) => column);
  for (let row = 1; row <= a.length; row++) {
    const current = [row];
    let rowMinimum = row;
    for (let column = 1; column <= b.length; column++) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1;
      let distance = Math.min((previous[column] as number) + 1, (current[column - 1] as number) + 1, (previous[column - 1] as number) + cost);
      if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1]) {
        distance = Math.min(distance, (beforePrevious[column - 2] as number) + 1);
      }
      current.push(distance);
      rowMinimum = Math.min(rowMinimum, distance);
    }
    if (rowMinimum > limit) return limit + 1;
    beforePrevious = previous;
    previous = current;
  }
  return Math.min(previous[b.length] as number, limit + 1);
}

/** How far a name may be from what was typed and still be offered: one edit in four letters, at least one, at most three. */
function allowedDistance(typed: string): number {
  return Math.min(3, Math.max(1, Math.floor(typed.length / 4)));
}

/**
 * The candidates nearest to `typed` (compared as given: normalise both sides first), at most
 * `limit` of them in the candidates' order, or none when even the nearest is too far to be a typo.
 */
export function nearestNames(typed: string, candidates: Iterable<string>, limit = 3): string[] {
  const allowed = allowedDistance(typed);
  let best = allowed + 1;
  let nearest: string[] = [];
  for (const candidate of candidates) {
    const distance = editDistance(typed, candidate, allowed);
    if (distance < best) {
      best = distance;
      nearest = [candidate];
    } else if (distance === best && distance <= allowed && !nearest.includes(candidate)) {
      nearest.push(candidate);
    }
  }
  return nearest.slice(0, limit);
}

/** ` (did you mean a, b or c?)`-style tail for a message, or '' when nothing is near. */
export function didYouMean(names: string[]): string {
  if (names.length === 0) return '';
  const listed = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} or ${names[names.length - 1] as string}`;
  return `; did you mean ${listed}?`;
}
