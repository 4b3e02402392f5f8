/**
 * Reads a `--since`/`--until` value: `2023-03-16`, `2023-03-16 14:12[:30]` (local time),
 * an ISO 8601 time with a zone (`T` or a space between date and time), `@1678972350` (epoch seconds), `today`, `yesterday`, `now`,
 * or a relative `-2h` / `2h ago` / `30min ago` / `3 days ago`. Returns ms since the epoch.
 */
export function parseTimeSpec(text: string, now: number): number | null {
  const spec = text.trim();
  if (spec === 'now') return now;
  if (spec === 'today' || spec === 'yesterday') {
    const day = new Date(now);
    day.setHours(0, 0, 0, 0);
    if (spec === 'yesterday') day.setDate(day.getDate() - 1);
    return day.getTime();
  }
  const epoch = /^@(\d+(?:\.\d+)?)$/.exec(spec);
  if (epoch) return Math.round(Number(epoch[1]) * 1000);
  const relative = /^(?:-\s*(\d+)\s*([a-z]+)|(\d+)\s*([a-z]+)\s+ago)$/.exec(spec);
  if (relative) {
    const amount = Number(relative[1] ?? relative[3]);
    const unit = UNIT_MS.get((relative[2] ?? relative[4]) as string);
    return unit === undefined ? null : now - amount * unit;
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

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const UNIT_MS: ReadonlyMap<string, number> = new Map([
  ['s', SECOND], ['sec', SECOND], ['second', SECOND], ['seconds', SECOND],
  ['m', MINUTE], ['min', MINUTE], ['minute', MINUTE], ['minutes', MINUTE],
  ['h', HOUR], ['hour', HOUR], ['hours', HOUR],
  ['d', DAY], ['day', DAY], ['days', DAY],
  ['w', 7 * DAY], ['week', 7 * DAY], ['weeks', 7 * DAY],
]);
