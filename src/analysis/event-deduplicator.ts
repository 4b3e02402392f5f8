import type { Denial } from '../decode/index.js';

/**
 * How many recent audit ids are remembered before the older half is forgotten. Two
 * generations are kept: a lookup checks both, and when the current one is full it becomes
 * the previous one. Memory is bounded and every operation takes constant time.
 */
const ID_GENERATION_SIZE = 8_192;
/**
 * How many recent unpaired sightings are kept per kind. A journal writes the kernel's line
 * and journald's audit copy of an event next to each other, so a short memory pairs them.
 */
const UNPAIRED_GENERATION_SIZE = 4_096;
/**
 * Two sightings of one event without an audit id are paired only when stamped at most this
 * far apart: a syslog stamp is in the printing host's local time, up to 14 hours from UTC.
 */
const PAIRING_WINDOW_MS = 26 * 60 * 60 * 1000;

/** A bounded map that forgets its oldest generation when the newest is full. */
class RecentMap<V> {
  private current = new Map<string, V>();
  private previous = new Map<string, V>();

  constructor(private readonly generationSize: number) {}

  get(key: string): V | undefined {
    return this.current.get(key) ?? this.previous.get(key);
  }

  set(key: string, value: V): void {
    if (!this.current.has(key) && this.current.size >= this.generationSize) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
    if (this.previous.has(key)) this.previous.delete(key);
  }

  delete(key: string): void {
    this.current.delete(key);
    this.previous.delete(key);
  }
}

/**
 * Drops the second sighting of one audit event.
 *
 * Records with an audit id (time to the millisecond + serial) are the same event when the
 * ids are equal and their hosts agree (or one of them does not say): the kernel line and the
 * auditd line of one event, or a file read twice. Serials are per host, so two hosts' equal
 * ids are two events.
 *
 * journald's text audit transport drops the serial, so such a record is paired one-to-one
 * with an id-carrying record of the same host, process, call, code and instruction pointer,
 * whichever of the two comes first, the nearest in time when there are several, and never
 * one stamped more than a day away.
 */
export class EventDeduplicator {
  /** Audit id → the hosts it was seen from, NUL-separated ('' for a record that names none). */
  private readonly seenIds = new RecentMap<string>(ID_GENERATION_SIZE);
  private readonly unpairedWithId = new RecentMap<(number | null)[]>(UNPAIRED_GENERATION_SIZE);
  private readonly unpairedWithoutId = new RecentMap<(number | null)[]>(UNPAIRED_GENERATION_SIZE);

  /** True when this denial is an event already seen; the first sighting returns false. */
  isRepeat(denial: Denial): boolean {
    const fingerprint = this.fingerprint(denial);
    if (denial.serial !== null && denial.time !== null && denial.timePrecise) {
      if (this.sawId(denial)) return true;
      if (this.takePartner(this.unpairedWithoutId, fingerprint, denial.time)) return true;
      this.addUnpaired(this.unpairedWithId, fingerprint, denial.time);
      return false;
    }
    if (this.takePartner(this.unpairedWithId, fingerprint, denial.time)) return true;
    this.addUnpaired(this.unpairedWithoutId, fingerprint, denial.time);
    return false;
  }

  /** Records the denial's audit id; true when it was seen before from the same host. */
  private sawId(denial: Denial): boolean {
    const id = `${denial.time}:${denial.serial}`;
    const host = denial.host ?? '';
    const hosts = this.seenIds.get(id);
    if (hosts === undefined) {
      this.seenIds.set(id, host);
      return false;
    }
    const seenFrom = hosts.split('\u0000');
    if (host === '' || seenFrom.includes(host) || seenFrom.includes('')) return true;
    this.seenIds.set(id, `${hosts}\u0000${host}`);
    return false;
  }

  private fingerprint(denial: Denial): string {
    return `${denial.host ?? ''}\u0000${denial.pid}\u0000${denial.arch}\u0000${denial.nr}\u0000${denial.code}\u0000${denial.ip}\u0000${denial.comm}`;
  }

  private takePartner(pool: RecentMap<(number | null)[]>, fingerprint: string, time: number | null): boolean {
    const times = pool.get(fingerprint);
    if (!times) return false;
    let best = -1;
    let bestDistance = Infinity;
    times.forEach((other, index) => {
      const distance = time === null || other === null ? 0 : Math.abs(other - time);
      if (distance <= PAIRING_WINDOW_MS && distance < bestDistance) {
        best = index;
        bestDistance = distance;
      }
    });
    if (best === -1) return false;
    times.splice(best, 1);
    if (times.length === 0) pool.delete(fingerprint);
    return true;
  }

  private addUnpaired(pool: RecentMap<(number | null)[]>, fingerprint: string, time: number | null): void {
    const times = pool.get(fingerprint);
    if (times) {
      // One process logging the same call over and over: keep the list short.
      if (times.length >= 64) times.shift();
      times.push(time);
    } else {
      pool.set(fingerprint, [time]);
    }
  }
}
