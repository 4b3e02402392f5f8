import type { Denial } from '../decode/index.js';

/**
 * How many recent serials are remembered before the older half is forgotten. Two
 * generations are kept: a lookup checks both, and when the current one is full it becomes
 * the previous one. Memory is bounded and every operation takes constant time.
 */
const ID_GENERATION_SIZE = 8_192;
/**
 * How many recent unpaired sightings are kept per kind. A journal writes the kernel's line
 * and journald's audit copy of an event next to each other, so a short memory pairs them.
 */
const UNPAIRED_GENERATION_SIZE = 4_096;
/** How many times one process's unpaired call is remembered: one process logging the same call over and over. */
const TIMES_PER_SIGHTING = 64;
/**
 * How many audit ids one serial is remembered with, and how many hosts one audit id: serials
 * are per host and per boot, so one log of many hosts repeats them, but a log that says more
 * is not believed to the point of slowing every lookup.
 */
const IDS_PER_SERIAL = 64;
const HOSTS_PER_ID = 64;
/**
 * Two sightings of one event without an audit id are paired only when stamped at most this
 * far apart: a syslog stamp is in the printing host's local time, up to 14 hours from UTC.
 */
const PAIRING_WINDOW_MS = 26 * 60 * 60 * 1000;

/** A bounded map that forgets its oldest generation when the newest is full. */
class RecentMap<K, V> {
  private current = new Map<K, V>();
  private previous = new Map<K, V>();

  constructor(private readonly generationSize: number) {}

  get(key: K): V | undefined {
    return this.current.get(key) ?? this.previous.get(key);
  }

  set(key: K, value: V): void {
    if (!this.current.has(key) && this.current.size >= this.generationSize) {
      this.previous = this.current;
      this.current = new Map();
    }
    this.current.set(key, value);
    if (this.previous.has(key)) this.previous.delete(key);
  }
}

/**
 * An audit id seen: its time, the hosts it was seen from ('' for a record that names none),
 * and the id seen before it with the same serial. Keyed by the serial, a number, so that no
 * text is made per record.
 */
interface SeenId {
  time: number;
  hosts: string[];
  older: SeenId | null;
}

/** The values two sightings of one event without and with an audit id have in common. */
interface Fingerprint {
  host: string;
  pid: number | null;
  arch: string | null;
  nr: number | null;
  code: string | null;
  ip: string | null;
  comm: string | null;
}

/** One process's call seen, not yet paired: its fingerprint, and the times it was seen at. */
interface UnpairedSightings extends Fingerprint {
  times: (number | null)[];
}

function sameFingerprint(sightings: Fingerprint, denial: Denial): boolean {
  return sightings.nr === denial.nr && sightings.ip === denial.ip && sightings.code === denial.code
    && sightings.host === (denial.host ?? '') && sightings.arch === denial.arch && sightings.comm === denial.comm;
}

/**
 * The unpaired sightings of one kind, by fingerprint, bounded as RecentMap is: two
 * generations of UNPAIRED_GENERATION_SIZE fingerprints. Found by pid, then compared field by
 * field: no text is made per record.
 */
class UnpairedPool {
  private current = new Map<number | null, UnpairedSightings[]>();
  private previous = new Map<number | null, UnpairedSightings[]>();
  private currentFingerprints = 0;

  isEmpty(): boolean {
    return this.current.size === 0 && this.previous.size === 0;
  }

  find(denial: Denial): UnpairedSightings | undefined {
    return this.current.get(denial.pid)?.find((sightings) => sameFingerprint(sightings, denial))
      ?? this.previous.get(denial.pid)?.find((sightings) => sameFingerprint(sightings, denial));
  }

  add(denial: Denial, time: number | null): void {
    const sightings = this.find(denial);
    if (sightings !== undefined) {
      if (sightings.times.length >= TIMES_PER_SIGHTING) sightings.times.shift();
      sightings.times.push(time);
      return;
    }
    if (this.currentFingerprints >= UNPAIRED_GENERATION_SIZE) {
      this.previous = this.current;
      this.current = new Map();
      this.currentFingerprints = 0;
    }
    const entry: UnpairedSightings = {
      host: denial.host ?? '', pid: denial.pid, arch: denial.arch, nr: denial.nr, code: denial.code, ip: denial.ip, comm: denial.comm, times: [time],
    };
    const samePid = this.current.get(denial.pid);
    if (samePid === undefined) this.current.set(denial.pid, [entry]);
    else samePid.push(entry);
    this.currentFingerprints++;
  }

  /**
   * Takes the time nearest `time`, within PAIRING_WINDOW_MS, from the sightings of this
   * denial's fingerprint; false when there is none.
   */
  take(denial: Denial, time: number | null): boolean {
    const sightings = this.find(denial);
    if (sightings === undefined) return false;
    let best = -1;
    let bestDistance = Infinity;
    sightings.times.forEach((other, index) => {
      const distance = time === null || other === null ? 0 : Math.abs(other - time);
      if (distance <= PAIRING_WINDOW_MS && distance < bestDistance) {
        best = index;
        bestDistance = distance;
      }
    });
    if (best === -1) return false;
    sightings.times.splice(best, 1);
    if (sightings.times.length === 0) this.remove(sightings);
    return true;
  }

  private remove(sightings: UnpairedSightings): void {
    for (const generation of [this.current, this.previous]) {
      const samePid = generation.get(sightings.pid);
      const index = samePid?.indexOf(sightings) ?? -1;
      if (samePid === undefined || index === -1) continue;
      samePid.splice(index, 1);
      if (samePid.length === 0) generation.delete(sightings.pid);
      if (generation === this.current) this.currentFingerprints--;
    }
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
 *
 * Runs once per record on the reading thread, so it makes no text and few objects per
 * record: every object kept for a while is one the garbage collector has to move.
 */
export class EventDeduplicator {
  private readonly seenIds = new RecentMap<number, SeenId>(ID_GENERATION_SIZE);
  private readonly unpairedWithId = new UnpairedPool();
  private readonly unpairedWithoutId = new UnpairedPool();

  /** True when this denial is an event already seen; the first sighting returns false. */
  isRepeat(denial: Denial): boolean {
    if (denial.serial !== null && denial.time !== null && denial.timePrecise) {
      if (this.sawId(denial.time, denial.serial, denial.host ?? '')) return true;
      if (!this.unpairedWithoutId.isEmpty() && this.unpairedWithoutId.take(denial, denial.time)) return true;
      this.unpairedWithId.add(denial, denial.time);
      return false;
    }
    if (this.unpairedWithId.take(denial, denial.time)) return true;
    this.unpairedWithoutId.add(denial, denial.time);
    return false;
  }

  /** Records an audit id; true when it was seen before from an agreeing host. */
  private sawId(time: number, serial: number, host: string): boolean {
    const latest = this.seenIds.get(serial);
    let count = 0;
    for (let seen = latest ?? null; seen !== null; seen = seen.older) {
      if (seen.time !== time) {
        // Forget the oldest of a serial seen with too many times.
        if (++count >= IDS_PER_SERIAL - 1) seen.older = null;
        continue;
      }
      if (host === '' || seen.hosts.includes(host) || seen.hosts.includes('')) return true;
      if (seen.hosts.length >= HOSTS_PER_ID) seen.hosts.shift();
      seen.hosts.push(host);
      if (latest !== undefined) this.seenIds.set(serial, latest);
      return false;
    }
    this.seenIds.set(serial, { time, hosts: [host], older: latest ?? null });
    return false;
  }
}
