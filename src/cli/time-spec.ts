/**
 * Reads a `--since`/`--until` value, in journalctl's forms (systemd.time(7)): `2023-03-16`,
 * `2023-03-16 14:12[:30]` (local time), an ISO 8601 time with a zone (`T` or a space between date
 * and time), `11:00[:30]` (today, local time), `@1678972350` (epoch seconds), `today`,
 * `yesterday`, `tomorrow`, `now`, or a span before or after now: `-2h`, `2h ago`, `+30min`,
 * `30min left`, `1h 30min ago`. Returns ms since the epoch.
 */
export function parseTimeSpec(text: string, now: number): number | null {
  const spec = text.trim();
  if (spec === 'now') return now;
  const dayOffset = DAY_NAMES.get(spec);
  if (dayOffset !== undefined) {
    const day = new Date(now);
    day.setHours(0, 0, 0, 0);
    day.setDate(day.getDate() + dayOffset);
    return day.getTime();
  }
  const epoch = /^@(\d+(?:\.\d+)?)$/.exec(spec);
  if (epoch) return Math.round(Number(epoch[1]) * 1000);
  const sign = spec.startsWith('-') ? -1 : spec.startsWith('+') ? 1 : 0;
  const suffix = spec.endsWith(' ago') ? -1 : spec.endsWith(' left') ? 1 : 0;
  if (sign !== 0 || suffix !== 0) {
    const span = spanMs(sign !== 0 ? spec.slice(1) : spec.slice(0, spec.lastIndexOf(' ')));
    return span === null || (sign !== 0 && suffix !== 0) ? null : now + (sign || suffix) * span;
  }
  const clock = /^(\d\d):(\d\d)(?::(\d\d))?$/.exec(spec);
  if (clock) {
    const [hour, minute, second] = clock.slice(1).map((part) => Number(part ?? 0)) as number[];
    if ((hour as number) >= 24 || (minute as number) >= 60 || (second as number) >= 60) return null;
    const time = new Date(now);
    time.setHours(hour as number, minute, second, 0);
    return time.getTime();
  }
  const local = /^(\d{4})-(\d\d)-(\d\d)(?:[ T](\d\d):(\d\d)(?::(\d\d))?)?$/.exec(spec);
  if (local) {
    const [year, month, day, hour, minute, second] = local.slice(1).map((part) => Number(part ?? 0)) as number[];
    const date = new Date(year as number, (month as number) - 1, day, hour, minute, second);
    const real = date.getFullYear() === year && date.getMonth() === (month as number) - 1 && date.getDate() === day;
    return real && (hour as number) < 24 && (minute as number) < 60 && (second as number) < 60 ? date.getTime() : null;
  }
  const zoned = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d(?::\d\d(?:\.\d+)?)?)(Z|[+-]\d\d:?\d\d)$/.exec(spec);
  if (zoned) {
    const parsed = Date.parse(`${zoned[1] as string}T${zoned[2] as string}${zoned[3] as string}`);
    return Number.isNaN(parsed) ? null : parsed;
  }
  return null;
}

const DAY_NAMES: ReadonlyMap<string, number> = new Map([['yesterday', -1], ['today', 0], ['tomorrow', 1]]);

/** A span such as `2h`, `30 min` or `1h 30min`, in ms; null when a part is no number and unit. */
function spanMs(text: string): number | null {
  const parts = /^(?:\s*\d+\s*[a-z]+)+\s*$/.test(text) ? [...text.matchAll(/(\d+)\s*([a-z]+)/g)] : [];
  if (parts.length === 0) return null;
  let total = 0;
  for (const [, amount, unit] of parts) {
    const unitMs = UNIT_MS.get(unit as string);
    if (unitMs === undefined) return null;
    total += Number(amount) * unitMs;
  }
  return total;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const UNIT_MS: ReadonlyMap<string, number> = new Map([
  ['ms', 1], ['msec', 1], ['s', SECOND], ['sec', SECOND], ['second', SECOND], ['seconds', SECOND],
  ['m', MINUTE], ['min', MINUTE], ['minute', MINUTE], ['minutes', MINUTE],
  ['h', HOUR], ['hr', HOUR], ['hour', HOUR], ['hours', HOUR],
  ['d', DAY], ['day', DAY], ['days', DAY],
  ['w', 7 * DAY], ['week', 7 * DAY], ['weeks', 7 * DAY],
  ['month', 30.44 * DAY], ['months', 30.44 * DAY],
  ['y', 365.25 * DAY], ['year', 365.25 * DAY], ['years', 365.25 * DAY],
]);
