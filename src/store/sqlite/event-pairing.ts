import type Database from 'better-sqlite3';

/**
 * How far apart a sighting without an audit id (journald's text copy, stamped to the second)
 * and the sighting with one may be stamped to be matched across ingests: the stamp is cut to
 * the second and may be journald's reception time. Narrower than EventDeduplicator's 26 hours,
 * which allow for a stamp read in another time zone: across ingests the candidates would be
 * every unmatched event of the program in two days (docs/store.md, "Pairing").
 */
export const PAIRING_WINDOW_MS = 10_000;

/** A stored sighting still waiting for a partner of the other kind. */
export interface PairingCandidate {
  id: number;
  time: number;
  context_id: number;
}

/** What a new sighting is matched on: the stored one must have the same values. */
export interface PairingPlace {
  groupId: number;
  pid: number | null;
  ip: string | null;
  code: string | null;
  /** The new sighting's time: the partner is the nearest within PAIRING_WINDOW_MS. */
  time: number;
}

/**
 * Finds the partner of a new sighting among the stored, unmatched sightings of the other
 * kind (docs/store.md, "Pairing the two kinds"). `wantsWithId`: the partner carries an audit
 * id (the new sighting has none). `hostAgrees` tells whether a candidate's context names an
 * agreeing host. Returns the partner's id, not yet marked.
 */
export interface PartnerSearch {
  find(wantsWithId: boolean, place: PairingPlace, hostAgrees: (contextId: number) => boolean): number | null;
}

/** Candidates read per side at first; each further read takes four times as many. */
const FIRST_PAGE = 8;

/**
 * The partner search over the two partial indexes `event_unpaired_with_id` and
 * `event_unpaired_without_id` (group, pid, ip, code, time), which hold exactly the unmatched
 * sightings of each kind: the candidates that agree on every value but the host are read
 * outward from the new sighting's time, nearest first, in pages, so the work is the number of
 * candidates nearer than the partner (usually none), not the number of events in the window.
 *
 * The partner is the one a full scan of the window in index order would pick: the nearest in
 * time; of equally near ones the earlier; of equal times the first by (context, id) for one
 * with an audit id (the order of `event_report`), by id for one without.
 */
export class IndexedPartnerSearch implements PartnerSearch {
  private readonly below: Record<'withId' | 'withoutId', Database.Statement>;
  private readonly above: Record<'withId' | 'withoutId', Database.Statement>;

  /** `firstPage`: candidates read per side at first (tests read fewer, to walk through many pages). */
  constructor(db: Database.Database, private readonly firstPage = FIRST_PAGE) {
    if (!Number.isSafeInteger(firstPage) || firstPage < 1) throw new RangeError(`firstPage ${firstPage}: not a count`);
    const side = (index: string, keyedById: number, range: string, order: string): Database.Statement => db.prepare(`
      SELECT id, time, context_id FROM event INDEXED BY ${index}
      WHERE group_id = ? AND pid IS ? AND ip IS ? AND code IS ? AND ${range} AND keyed_by_id = ${keyedById} AND paired = 0
      ORDER BY time ${order} LIMIT ?`);
    this.below = {
      withId: side('event_unpaired_with_id', 1, 'time BETWEEN ? AND ?', 'DESC'),
      withoutId: side('event_unpaired_without_id', 0, 'time BETWEEN ? AND ?', 'DESC'),
    };
    this.above = {
      withId: side('event_unpaired_with_id', 1, 'time > ? AND time <= ?', 'ASC'),
      withoutId: side('event_unpaired_without_id', 0, 'time > ? AND time <= ?', 'ASC'),
    };
  }

  find(wantsWithId: boolean, place: PairingPlace, hostAgrees: (contextId: number) => boolean): number | null {
    const kind = wantsWithId ? 'withId' : 'withoutId';
    const { groupId, pid, ip, code, time } = place;
    for (let limit = this.firstPage; ; limit *= 4) {
      const below = this.below[kind].all(groupId, pid, ip, code, time - PAIRING_WINDOW_MS, time, limit) as PairingCandidate[];
      const above = this.above[kind].all(groupId, pid, ip, code, time, time + PAIRING_WINDOW_MS, limit) as PairingCandidate[];
      const found = nearestAgreeing(time, { rows: below, complete: below.length < limit }, { rows: above, complete: above.length < limit }, wantsWithId, hostAgrees);
      if (found !== 'undecided') return found;
    }
  }
}

/** Candidates on one side of the new sighting's time, nearest first; `complete`: none left unread. */
interface CandidateSide {
  rows: readonly PairingCandidate[];
  complete: boolean;
}

/** Equal times: by (context, id) for sightings with an audit id, by id for those without. */
function tieOrder(wantsWithId: boolean): (a: PairingCandidate, b: PairingCandidate) => number {
  return wantsWithId ? (a, b) => a.context_id - b.context_id || a.id - b.id : (a, b) => a.id - b.id;
}

/**
 * Walks both sides outward, one time at a time (the earlier side first when equally near),
 * and returns the first candidate whose host agrees; 'undecided' when the walk reaches the
 * end of a side that was not read to its end.
 */
export function nearestAgreeing(
  time: number, below: CandidateSide, above: CandidateSide, wantsWithId: boolean, hostAgrees: (contextId: number) => boolean,
): number | null | 'undecided' {
  const order = tieOrder(wantsWithId);
  let lower = 0;
  let upper = 0;
  for (;;) {
    const nextBelow = below.rows[lower];
    const nextAbove = above.rows[upper];
    // A side read to its limit ends in 'undecided' below before its last row is passed.
    if (nextBelow === undefined && nextAbove === undefined) return null;
    const fromBelow = nextAbove === undefined || (nextBelow !== undefined && time - nextBelow.time <= nextAbove.time - time);
    const side = fromBelow ? below : above;
    const start = fromBelow ? lower : upper;
    const sameTime = (side.rows[start] as PairingCandidate).time;
    let end = start;
    while (end < side.rows.length && (side.rows[end] as PairingCandidate).time === sameTime) end++;
    if (end === side.rows.length && !side.complete) return 'undecided';
    const atThisTime = side.rows.slice(start, end).sort(order);
    for (const candidate of atThisTime) if (hostAgrees(candidate.context_id)) return candidate.id;
    if (fromBelow) lower = end;
    else upper = end;
  }
}
