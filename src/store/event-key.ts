import { createHash } from 'node:crypto';
import { EVENT_KEY_FIELDS, type Denial } from '../decode/index.js';

/**
 * How the store knows an event again (docs/store.md, "Event keys").
 *
 * A record with its audit id (`audit(SECONDS.MILLIS:SERIAL)`, to the millisecond) is known by
 * that id and its host, the same rule as EventDeduplicator: equal ids are one event when their
 * hosts agree or one of them names none.
 *
 * A record without one (journald's text audit transport drops the serial; `ausearch -i` with
 * an unreadable date loses the time) is known by a hash of its normalised record: the values
 * the kernel logged, in a form that does not depend on how the line was framed, plus its
 * occurrence among identical records of the same input.
 */

/** Whether a denial carries its full audit id. The same test as EventDeduplicator's. */
export function hasAuditId(denial: Denial): denial is Denial & { time: number; serial: number } {
  return denial.serial !== null && denial.time !== null && denial.timePrecise;
}

/**
 * The normalised record: the fields of EVENT_KEY_FIELDS (src/decode/denial-fields.ts) in their
 * places, the time to the second. They are the host, time, serial if any, and the fields as
 * the kernel logged them (pid, uid, auid, comm, exe, arch, syscall number, code, ip, compat),
 * plus the user name where the log carried one. Left out on purpose: the format and line
 * (the same event framed differently must hash alike), the time below the second (syslog
 * stamps have none), and everything our tables derive (ABI, syscall name, action, signal,
 * notes), so that a better decoder never gives a stored event a new key.
 */
export const normalisedRecord = recordNormaliser();

/**
 * normalisedRecord, written out from EVENT_KEY_FIELDS when this module loads: a loop over the
 * fields costs half as much again, and every sighting without an audit id is normalised.
 */
function recordNormaliser(): (denial: Denial) => string {
  const values = EVENT_KEY_FIELDS.map((field) => {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(field.name)) throw new Error(`denial field ${field.name}: not an identifier`);
    const value = `denial.${field.name}`;
    return field.kind === 'time' ? `${value} === null ? null : Math.floor(${value} / 1000)` : value;
  });
  return new Function(`return function normalisedRecord(denial) {\nreturn JSON.stringify([${values.join(', ')}]);\n};`)() as (denial: Denial) => string;
}

/** The key of a sighting without a full audit id (hasAuditId false): its second and normalised record. */
export function recordHashKey(denial: Denial): { second: number; normalised: string } {
  return { second: denial.time === null ? 0 : Math.floor(denial.time / 1000), normalised: normalisedRecord(denial) };
}

/**
 * The stored digest of a normalised record: the `occurrence`-th identical record of one input
 * (0 for the first) is a different event from the one before it, the same event as the
 * `occurrence`-th of that input read again. SHA-256 cut to 128 bits.
 */
export function recordDigest(normalised: string, occurrence: number): Buffer {
  return createHash('sha256').update(`${normalised}\n${occurrence}`).digest().subarray(0, 16);
}

/** Two audit-id sightings are one event when their hosts agree or one names none (''). */
export function hostsAgree(a: string | null, b: string | null): boolean {
  return a === null || b === null || a === '' || b === '' || a === b;
}
