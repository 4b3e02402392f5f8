/** What a log line's prefix says about when and where: syslog, journalctl short forms, dmesg -T. */
export interface SyslogPrefix {
  time: number | null;
  /** True when the stamp carries sub-second digits. */
  precise: boolean;
  host: string | null;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Mar 16 14:12:30[.123456] host ident: …` (BSD syslog, journalctl short and short-precise). */
const BSD_STAMP = /^([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d)(\.\d+)? (\S+) /;
/** `2023-03-16T14:12:30[.123456]+0000 host ident: …` (journalctl short-iso, RFC 3339 syslog). */
const ISO_STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)? (\S+) /;
/** `[Mon Nov 23 12:27:46 2026] …` (dmesg -T, local time). */
const DMESG_HUMAN_STAMP = /^\[[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\d{4})\] /;

function fractionMillis(fraction: string | undefined): number {
  return fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0;
}

/**
 * Reads a syslog-style prefix. A BSD stamp has no year: it is given the year that puts it
 * at or before `now` (plus a day of clock skew), as syslog readers do.
 */
export function parseSyslogPrefix(line: string, now: number): SyslogPrefix | null {
  const bsd = BSD_STAMP.exec(line);
  if (bsd) {
    const month = MONTHS.indexOf(bsd[1] as string);
    if (month === -1) return null;
    const nowYear = new Date(now).getFullYear();
    const at = (year: number): number =>
      new Date(year, month, Number(bsd[2]), Number(bsd[3]), Number(bsd[4]), Number(bsd[5]), fractionMillis(bsd[6])).getTime();
    let time = at(nowYear);
    if (time > now + 86_400_000) time = at(nowYear - 1);
    return { time, precise: bsd[6] !== undefined, host: bsd[7] as string };
  }
  const iso = ISO_STAMP.exec(line);
  if (iso) {
    let zone = iso[3] ?? '';
    if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
    const time = Date.parse(`${iso[1] as string}${iso[2] ?? ''}${zone}`);
    return { time: Number.isNaN(time) ? null : time, precise: iso[2] !== undefined, host: iso[4] as string };
  }
  const human = DMESG_HUMAN_STAMP.exec(line);
  if (human) {
    const month = MONTHS.indexOf(human[1] as string);
    const time = new Date(Number(human[6]), month, Number(human[2]), Number(human[3]), Number(human[4]), Number(human[5])).getTime();
    return { time: month === -1 ? null : time, precise: false, host: null };
  }
  return null;
}
