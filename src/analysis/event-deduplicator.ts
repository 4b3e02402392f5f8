import type { Denial } from '../decode/index.js';

/**
 * How many audit ids are remembered: the latest ones, in a ring of typed arrays, so that
 * remembering one makes no object. A log repeats an event within moments (the kernel's line
 * next to auditd's or journald's), or as a whole file read twice, which only the store knows.
 */
const REMEMBERED_IDS = 16_384;
/** Host names kept as one string each (RecentAuditIds.hostName); more are kept as they come. */
const REMEMBERED_HOST_NAMES = 1_024;
/**
 * How many recent unpaired sightings are kept per kind. A journal writes the kernel's line
 * and journald's audit copy of an event next to each other, so a short memory pairs them.
 */
const UNPAIRED_GENERATION_SIZE = 4_096;
/** How many times one process's unpaired call is remembered: one process logging the same call over and over. */
const TIMES_PER_SIGHTING = 64;
/**
 * How many remembered ids of one serial (or of serials that share its bucket) are compared,
 * the latest first: serials are per host and per boot, so one log of many hosts repeats them,
 * but a log that says more is not believed to the point of slowing every lookup.
 */
const IDS_PER_SERIAL = 64;
/**
 * Serials are found through a table of this many buckets, by serial modulo its size: serials
 * count up, so the REMEMBERED_IDS latest of one host never share a bucket.
 */
const SERIAL_BUCKETS = 65_536;

function bucketOf(serial: number): number {
  const bucket = serial % SERIAL_BUCKETS;
  return bucket < 0 ? bucket + SERIAL_BUCKETS : bucket;
}

/**
 * Two sightings of one event without an audit id are paired only when stamped at most this
 * far apart: a syslog stamp is in the printing host's local time, up to 14 hours from UTC.
 */
const PAIRING_WINDOW_MS = 26 * 60 * 60 * 1000;

/**
 * The latest REMEMBERED_IDS audit ids seen, each with its host ('' for a record that names
 * none): one id seen from two hosts is two entries. Found by serial, a number, in typed
 * arrays only, so that no text and no object is made per record: a bucket gives the slot of
 * the latest id whose serial falls in it, and each slot the one of the id before it in the
 * same bucket.
 */
class RecentAuditIds {
  private readonly times = new Float64Array(REMEMBERED_IDS);
  private readonly serials = new Float64Array(REMEMBERED_IDS);
  private readonly hosts = new Array<string>(REMEMBERED_IDS).fill('');
  /** The slot of the id seen before this one in the same bucket, or -1. */
  private readonly older = new Int32Array(REMEMBERED_IDS);
  /** How many ids had been seen when the slot was filled: a link to a slot filled again since is stale. */
  private readonly sequences = new Float64Array(REMEMBERED_IDS);
  /** The slot of the latest id in each bucket, or -1. */
  private readonly latestInBucket = new Int32Array(SERIAL_BUCKETS).fill(-1);
  /**
   * One string per host name seen, kept instead of each record's own: a ring of young
   * strings held by these long-lived arrays would make every young-generation collection
   * copy them.
   */
  private readonly hostNames = new Map<string, string>();
  private seen = 0;

  /** Records an audit id; true when it was seen before from an agreeing host. */
  saw(time: number, serial: number, host: string): boolean {
    const bucket = bucketOf(serial);
    const latest = this.latestInBucket[bucket] as number;
    let newer = Number.POSITIVE_INFINITY;
    let compared = 0;
    for (let slot = latest; slot !== -1 && compared < IDS_PER_SERIAL; slot = this.older[slot] as number, compared++) {
      const sequence = this.sequences[slot] as number;
      const slotSerial = this.serials[slot] as number;
      // A slot filled again since it was linked to holds a later id, maybe of another bucket.
      if (sequence >= newer || bucketOf(slotSerial) !== bucket) break;
      newer = sequence;
      if (slotSerial !== serial || this.times[slot] !== time) continue;
      const seenHost = this.hosts[slot] as string;
      if (host === '' || seenHost === '' || seenHost === host) return true;
    }
    this.add(time, serial, host, bucket, latest);
    return false;
  }

  private hostName(host: string): string {
    const known = this.hostNames.get(host);
    if (known !== undefined) return known;
    if (this.hostNames.size < REMEMBERED_HOST_NAMES) this.hostNames.set(host, host);
    return host;
  }

  private add(time: number, serial: number, host: string, bucket: number, older: number): void {
    const slot = this.seen % REMEMBERED_IDS;
    this.times[slot] = time;
    this.serials[slot] = serial;
    this.hosts[slot] = this.hostName(host);
    this.older[slot] = older;
    this.sequences[slot] = this.seen++;
    this.latestInBucket[bucket] = slot;
  }
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

/** One process's call seen, not yet paired: its fingerprint, and the times it was seen at (NaN: none). */
interface UnpairedSightings extends Fingerprint {
  times: number[];
}

function sameFingerprint(sightings: Fingerprint, denial: Denial): boolean {
  return sightings.nr === denial.nr && sightings.ip === denial.ip && sightings.code === denial.code
    && sightings.host === (denial.host ?? '') && sightings.arch === denial.arch && sightings.comm === denial.comm;
}

function sightingsOf(samePid: UnpairedSightings[] | undefined, denial: Denial): UnpairedSightings | undefined {
  if (samePid === undefined) return undefined;
  for (const sightings of samePid) if (sameFingerprint(sightings, denial)) return sightings;
  return undefined;
}

/**
 * The unpaired sightings of one kind, by fingerprint, bounded: two generations of
 * UNPAIRED_GENERATION_SIZE fingerprints, the older forgotten when the newer is full. Found by
 * pid, then compared field by field: no text is made per record.
 */
class UnpairedPool {
  private current = new Map<number | null, UnpairedSightings[]>();
  private previous = new Map<number | null, UnpairedSightings[]>();
  private currentFingerprints = 0;

  isEmpty(): boolean {
    return this.current.size === 0 && this.previous.size === 0;
  }

  find(denial: Denial): UnpairedSightings | undefined {
    return sightingsOf(this.current.get(denial.pid), denial) ?? sightingsOf(this.previous.get(denial.pid), denial);
  }

  add(denial: Denial, time: number | null): void {
    const sightings = this.find(denial);
    if (sightings !== undefined) {
      if (sightings.times.length >= TIMES_PER_SIGHTING) sightings.times.shift();
      sightings.times.push(time ?? Number.NaN);
      return;
    }
    if (this.currentFingerprints >= UNPAIRED_GENERATION_SIZE) {
      this.previous = this.current;
      this.current = new Map();
      this.currentFingerprints = 0;
    }
    const entry: UnpairedSightings = {
      host: denial.host ?? '', pid: denial.pid, arch: denial.arch, nr: denial.nr, code: denial.code, ip: denial.ip, comm: denial.comm, times: [time ?? Number.NaN],
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
    const times = sightings.times;
    for (let index = 0; index < times.length; index++) {
      const other = times[index] as number;
      const distance = time === null || Number.isNaN(other) ? 0 : Math.abs(other - time);
      if (distance <= PAIRING_WINDOW_MS && distance < bestDistance) {
        best = index;
        bestDistance = distance;
      }
    }
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
  private readonly seenIds = new RecentAuditIds();
  private readonly unpairedWithId = new UnpairedPool();
  private readonly unpairedWithoutId = new UnpairedPool();

  /** True when this denial is an event already seen; the first sighting returns false. */
  isRepeat(denial: Denial): boolean {
    if (denial.serial !== null && denial.time !== null && denial.timePrecise) {
      if (this.seenIds.saw(denial.time, denial.serial, denial.host ?? '')) return true;
      if (!this.unpairedWithoutId.isEmpty() && this.unpairedWithoutId.take(denial, denial.time)) return true;
      this.unpairedWithId.add(denial, denial.time);
      return false;
    }
    if (this.unpairedWithId.take(denial, denial.time)) return true;
    this.unpairedWithoutId.add(denial, denial.time);
    return false;
  }
}
