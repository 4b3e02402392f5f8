/** Reads `audit(1678972350.266:4)`, the event id: seconds, milliseconds and serial. */
export interface AuditEventId {
  time: number;
  serial: number;
}

const EVENT_ID = /^(\d{1,12})\.(\d{3}):(\d{1,20})$/;

export function parseAuditEventId(text: string): AuditEventId | null {
  const match = EVENT_ID.exec(text);
  if (!match) return null;
  const time = Number(match[1]) * 1000 + Number(match[2]);
  const serial = Number(match[3]);
  if (!Number.isSafeInteger(time) || !Number.isSafeInteger(serial)) return null;
  return { time, serial };
}

/**
 * Reads the local date `ausearch -i` prints, `11/23/26 12:27:46.178:2` (the C locale's `%x %T`),
 * as local time on this machine, which is where ausearch ran in the usual case.
 */
export function parseInterpretedEventId(text: string): { time: number | null; serial: number | null } {
  const match = /^(\d{2})\/(\d{2})\/(\d{2}|\d{4}) (\d{2}):(\d{2}):(\d{2})\.(\d{3}):(\d+)$/.exec(text);
  if (!match) return { time: null, serial: null };
  const [, month, day, year, hour, minute, second, millis, serial] = match.map(Number) as number[];
  const fullYear = (year as number) < 100 ? 2000 + (year as number) : (year as number);
  const time = new Date(fullYear, (month as number) - 1, day, hour, minute, second, millis).getTime();
  return { time: Number.isNaN(time) ? null : time, serial: serial ?? null };
}
