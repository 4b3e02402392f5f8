import type { Denial } from '../decode/index.js';

/** How many recent events are remembered to recognise a repeat; older ones are forgotten. */
const REMEMBERED_EVENTS = 100_000;

/**
 * Drops the second sighting of one audit event. Records with an audit id (time + serial)
 * are the same event when the ids are equal: the kernel line and the auditd line of one
 * event, or a file read twice. journald's text audit transport drops the serial, so such a
 * record is paired one-to-one with an id-carrying record of the same host, process, call,
 * code and instruction pointer, whichever of the two comes first, the nearest in time when
 * there are several. Time is not required to match: a syslog stamp is in the local time of
 * whichever host printed it, which need not be ours.
 *
 * Memory is bounded: only the most recent events are remembered, which covers duplicates
 * as they occur (side by side in a journal, or overlapping log rotations read in order).
 */
export class EventDeduplicator {
  private readonly seenIds = new Map<string, true>();
  private readonly unpairedWithId = new Map<string, (number | null)[]>();
  private readonly unpairedWithoutId = new Map<string, (number | null)[]>();
  private unpairedCount = 0;

  /** True when this denial is an event already seen; the first sighting returns false. */
  isRepeat(denial: Denial): boolean {
    const fingerprint = this.fingerprint(denial);
    if (denial.serial !== null && denial.time !== null) {
      const id = `${denial.time}:${denial.serial}`;
      if (this.seenIds.has(id)) return true;
      this.remember(id);
      if (this.takePartner(this.unpairedWithoutId, fingerprint, denial.time)) return true;
      this.addUnpaired(this.unpairedWithId, fingerprint, denial.time);
      return false;
    }
    if (this.takePartner(this.unpairedWithId, fingerprint, denial.time)) return true;
    this.addUnpaired(this.unpairedWithoutId, fingerprint, denial.time);
    return false;
  }

  private fingerprint(denial: Denial): string {
    return [denial.host ?? '', denial.pid, denial.arch, denial.nr, denial.code, denial.ip, denial.comm].join('\u0000');
  }

  private remember(id: string): void {
    this.seenIds.set(id, true);
    if (this.seenIds.size > REMEMBERED_EVENTS) {
      const oldest = this.seenIds.keys().next();
      if (!oldest.done) this.seenIds.delete(oldest.value);
    }
  }

  private takePartner(pool: Map<string, (number | null)[]>, fingerprint: string, time: number | null): boolean {
    const times = pool.get(fingerprint);
    if (!times) return false;
    let index = 0;
    times.forEach((other, at) => {
      const best = times[index];
      if (time !== null && other !== null && (best == null || Math.abs(other - time) < Math.abs(best - time))) index = at;
    });
    times.splice(index, 1);
    if (times.length === 0) pool.delete(fingerprint);
    this.unpairedCount--;
    return true;
  }

  private addUnpaired(pool: Map<string, (number | null)[]>, fingerprint: string, time: number | null): void {
    const times = pool.get(fingerprint);
    if (times) times.push(time);
    else pool.set(fingerprint, [time]);
    this.unpairedCount++;
    if (this.unpairedCount > REMEMBERED_EVENTS) this.forgetOldestUnpaired();
  }

  private forgetOldestUnpaired(): void {
    for (const pool of [this.unpairedWithId, this.unpairedWithoutId]) {
      const oldest = pool.keys().next();
      if (oldest.done) continue;
      this.unpairedCount -= pool.get(oldest.value)?.length ?? 0;
      pool.delete(oldest.value);
    }
  }
}
