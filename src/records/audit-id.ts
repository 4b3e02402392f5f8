/** Reads `audit(1678972350.266:4)`, the event id: seconds, milliseconds and serial. */
export interface AuditEventId {
  time: number;
  serial: number;
}

/** The largest time a JavaScript Date can hold, in ms either side of the epoch. */
const LATEST_TIME_MS = 8.64e15;

/** A time in ms if it is one a Date can hold, else null: logs can say anything. */
export function validTime(ms: number): number | null {
  return Number.isFinite(ms) && Math.abs(ms) <= LATEST_TIME_MS ? ms : null;
}

const DIGIT_0 = 0x30;
const DOT = 0x2e;
const COLON = 0x3a;

/** The value of the decimal digits in text[start, end), or -1 if any other character is there. */
function digitsValue(text: string, start: number, end: number): number {
  let value = 0;
  for (let index = start; index < end; index++) {
    const digit = text.charCodeAt(index) - DIGIT_0;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** `SECONDS.MILLIS:SERIAL`: 1–12 digits, a dot, 3 digits, a colon, 1–20 digits. Read in place: this runs for every record. */
export function parseAuditEventId(text: string): AuditEventId | null {
  const dot = text.indexOf('.');
  if (dot < 1 || dot > 12 || text.charCodeAt(dot + 4) !== COLON) return null;
  const serialDigits = text.length - (dot + 5);
  if (serialDigits < 1 || serialDigits > 20 || text.charCodeAt(dot) !== DOT) return null;
  const seconds = digitsValue(text, 0, dot);
  const millis = digitsValue(text, dot + 1, dot + 4);
  const serial = digitsValue(text, dot + 5, text.length);
  if (seconds < 0 || millis < 0 || serial < 0) return null;
  const time = seconds * 1000 + millis;
  if (!Number.isSafeInteger(time) || !Number.isSafeInteger(serial)) return null;
  return { time, serial };
}

/** A local date and time from its parts, or null when the parts name no real date. */
function localTime(year: number, month: number, day: number, hour: number, minute: number, second: number, millis: number): number | null {
  const date = new Date(year, month - 1, day, hour, minute, second, millis);
  const real = date.getFullYear() === year && date.getMonth() === month - 1 && date.getDate() === day;
  return real && hour < 24 && minute < 60 && second < 61 ? validTime(date.getTime()) : null;
}

/**
 * Reads the id `ausearch -i` prints: a local date in the locale's `%x` form, the time, the
 * serial (`11/23/26 12:27:46.178:2`). `%x` is `MM/DD/YY` in the C and US locales, `DD/MM/YY`
 * in many others (told apart when the first number is over 12; the C form is assumed when
 * both could be months) and `YYYY-MM-DD` in ISO ones. The date is read as local time on this
 * machine, where ausearch ran in the usual case. A date that cannot be read leaves the time
 * unknown; the serial still identifies the event.
 */
export function parseInterpretedEventId(text: string): { time: number | null; serial: number | null } {
  const match = /^(\S+) (\d{2}):(\d{2}):(\d{2})\.(\d{3}):(\d{1,20})$/.exec(text);
  if (!match) return { time: null, serial: null };
  const [, date, hour, minute, second, millis, serialText] = match as unknown as string[];
  const serial = Number(serialText);
  const clock = [Number(hour), Number(minute), Number(second), Number(millis)] as const;
  const slashed = /^(\d{1,2})\/(\d{1,2})\/(\d{2}|\d{4})$/.exec(date as string);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date as string);
  let time: number | null = null;
  if (slashed) {
    const [first, second_, yearText] = [Number(slashed[1]), Number(slashed[2]), Number(slashed[3])];
    const year = yearText < 100 ? 2000 + yearText : yearText;
    const [month, day] = first > 12 ? [second_, first] : [first, second_];
    time = localTime(year, month, day, ...clock);
  } else if (iso) {
    time = localTime(Number(iso[1]), Number(iso[2]), Number(iso[3]), ...clock);
  }
  return { time, serial: Number.isSafeInteger(serial) ? serial : null };
}
