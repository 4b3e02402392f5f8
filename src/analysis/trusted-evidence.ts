import type { Denial } from '../decode/index.js';
import type { UnitExitRecord } from '../records/index.js';

/**
 * How far apart two sightings of one event may be stamped: a text stamp holds whole seconds,
 * in the logging host's clock, while the journal keeps microseconds.
 */
export const CONFIRMATION_WINDOW_MS = 2_000;

/** Entries kept for confirming: a journal window of a million kills needs no more to vouch for a paste. */
export const EVIDENCE_LIMIT = 200_000;

/** What a confirmation compares of a record: everything but the line itself. */
export type EventSighting = Pick<Denial, 'pid' | 'exe' | 'comm' | 'uid' | 'arch' | 'nr' | 'code' | 'ip' | 'time' | 'serial'>;

/** A denial's sighting, without the line it was read from. */
export function sightingOf(denial: EventSighting): EventSighting {
  const { pid, exe, comm, uid, arch, nr, code, ip, time, serial } = denial;
  return { pid, exe, comm, uid, arch, nr, code, ip, time, serial };
}

/** Everything a forged line could change about what a drop-in would allow, or which process it blames. */
function sightingKey(denial: EventSighting): string {
  return [denial.pid, denial.exe, denial.comm, denial.uid, denial.arch, denial.nr, denial.code, denial.ip].join('\u0000');
}

/** The index of the first time at or after `time` in sorted `times`. */
function firstAtOrAfter(times: number[], time: number): number {
  let low = 0;
  let high = times.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((times[middle] as number) < time) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Keeps `times` sorted; the journal hands them over in order, so this is almost always a push. */
function insertTime(times: number[], time: number): void {
  if (times.length === 0 || (times[times.length - 1] as number) <= time) times.push(time);
  else times.splice(firstAtOrAfter(times, time), 0, time);
}

function within(times: number[], time: number): boolean {
  const next = firstAtOrAfter(times, time - CONFIRMATION_WINDOW_MS);
  return next < times.length && (times[next] as number) <= time + CONFIRMATION_WINDOW_MS;
}

/**
 * What trusted sources (the journal's kernel and audit transports, PID 1's own entries,
 * auditd's log) recorded, for confirming text lines that say the same (docs/security.md).
 * A text record is confirmed only when a trusted record agrees on the process, the program,
 * the call, the action and the instruction pointer, stamped within two seconds; an exit
 * message only when PID 1 logged the same unit's death within two seconds.
 */
export class TrustedEvidence {
  private readonly denials = new Map<string, { times: number[]; serials: Set<number> }>();
  private readonly exits = new Map<string, number[]>();
  private size = 0;
  /** Trusted entries that did not fit under EVIDENCE_LIMIT. */
  dropped = 0;

  private room(): boolean {
    if (this.size < EVIDENCE_LIMIT) {
      this.size++;
      return true;
    }
    this.dropped++;
    return false;
  }

  addDenial(denial: EventSighting): void {
    if (denial.time === null || !this.room()) return;
    const key = sightingKey(denial);
    const entry = this.denials.get(key) ?? { times: [], serials: new Set<number>() };
    insertTime(entry.times, denial.time);
    if (denial.serial !== null) entry.serials.add(denial.serial);
    this.denials.set(key, entry);
  }

  addExit(exit: Pick<UnitExitRecord, 'unit' | 'time'>): void {
    if (exit.time === null || !this.room()) return;
    const times = this.exits.get(exit.unit) ?? [];
    insertTime(times, exit.time);
    this.exits.set(exit.unit, times);
  }

  confirmsDenial(denial: EventSighting): boolean {
    if (denial.time === null) return false;
    const entry = this.denials.get(sightingKey(denial));
    if (!entry || !within(entry.times, denial.time)) return false;
    return denial.serial === null || entry.serials.size === 0 || entry.serials.has(denial.serial);
  }

  confirmsExit(exit: Pick<UnitExitRecord, 'unit' | 'time'>): boolean {
    if (exit.time === null) return false;
    const times = this.exits.get(exit.unit);
    return times !== undefined && within(times, exit.time);
  }
}
