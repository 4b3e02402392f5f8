/** What a log line's prefix says about when and where: syslog, journalctl short forms, dmesg -T. */
export interface SyslogPrefix {
  time: number | null;
  /** True when the stamp carries sub-second digits. */
  precise: boolean;
  host: string | null;
  /** Where the syslog tag (`kernel:`, `audit[5]:`) would start; null for a form that has none (dmesg -T). */
  tagStart: number | null;
  /** Set for a prefix a log never writes itself: a paste's or a viewer's (src/records/pasted-text.ts). */
  repair?: 'stampless-syslog' | 'bare-time-stamp';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Mar 16 14:12:30[.123456] host ident: …` (BSD syslog, journalctl short and short-precise). */
const BSD_STAMP = /^([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d)(\.\d+)? (\S+) /;
/** `2023-03-16T14:12:30[.123456]+0000 host ident: …` (journalctl short-iso, RFC 3339 syslog). */
const ISO_STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:?\d\d)? (\S+) /;
/** `<14>1 2023-03-16T14:12:30.266+01:00 web1 audit 2999066 - - …` (RFC 5424 syslog). */
const RFC5424_STAMP = /^<\d{1,3}>1 (\S+) (\S+) /;
/** `Thu 2023-03-16 14:12:30 UTC web1 …` (journalctl short-full; the zone is UTC or local). */
const FULL_STAMP = /^[A-Z][a-z]{2} (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(\.\d+)? (\S+) (\S+) /;
/** `1678972350.266000 web1 …` (journalctl short-unix). */
const UNIX_STAMP = /^(\d{9,11})\.(\d{1,6}) (\S+) /;
/** `[Mon Nov 23 12:27:46 2026] …` (dmesg -T, local time). */
const DMESG_HUMAN_STAMP = /^\[[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([ \d]\d) (\d\d):(\d\d):(\d\d) (\d{4})\] /;

/** A syslog tag and its colon (`kernel: `, `audit[5]: `), looked ahead at: what makes the words before it a prefix. */
const TAG_AHEAD = '(?=[^\\s\\[\\]:]{1,128}(?:\\[\\d{1,10}\\])?: )';
/** `nas01 kernel: …`, `tower audit[5]: …`: a host and a tag, the stamp left out (pasted, or a forwarder's). */
const HOST_WITHOUT_STAMP = new RegExp(`^([\\w.-]{1,253}) ${TAG_AHEAD}`);
/** `14:12:30 kernel: …`: a journal viewer's export, the time of day and the tag, no date. */
const BARE_TIME = new RegExp(`^\\d\\d:\\d\\d:\\d\\d(?:\\.\\d{1,9})? ${TAG_AHEAD}`);

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
    return { time, precise: bsd[6] !== undefined, host: bsd[7] as string, tagStart: bsd[0].length };
  }
  const iso = ISO_STAMP.exec(line);
  if (iso) {
    let zone = iso[3] ?? '';
    if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`;
    const time = Date.parse(`${iso[1] as string}${iso[2] ?? ''}${zone}`);
    return { time: Number.isNaN(time) ? null : time, precise: iso[2] !== undefined, host: iso[4] as string, tagStart: iso[0].length };
  }
  const rfc5424 = RFC5424_STAMP.exec(line);
  if (rfc5424) {
    const time = Date.parse(rfc5424[1] as string);
    return { time: Number.isNaN(time) ? null : time, precise: (rfc5424[1] as string).includes('.'), host: rfc5424[2] === '-' ? null : (rfc5424[2] as string), tagStart: rfc5424[0].length };
  }
  const full = FULL_STAMP.exec(line);
  if (full) {
    const [year, month, day, hour, minute, second] = full.slice(1, 7).map(Number) as number[];
    const millis = fractionMillis(full[7]);
    const utc = /^(UTC|GMT|Z)$/.test(full[8] as string);
    const time = utc
      ? Date.UTC(year as number, (month as number) - 1, day, hour, minute, second, millis)
      : new Date(year as number, (month as number) - 1, day, hour, minute, second, millis).getTime();
    return { time, precise: full[7] !== undefined, host: full[9] as string, tagStart: full[0].length };
  }
  const unix = UNIX_STAMP.exec(line);
  if (unix) {
    return { time: Number(unix[1]) * 1000 + Math.floor(Number(`0.${unix[2] as string}`) * 1000), precise: true, host: unix[3] as string, tagStart: unix[0].length };
  }
  const human = DMESG_HUMAN_STAMP.exec(line);
  if (human) {
    const month = MONTHS.indexOf(human[1] as string);
    const time = new Date(Number(human[6]), month, Number(human[2]), Number(human[3]), Number(human[4]), Number(human[5])).getTime();
    return { time: month === -1 ? null : time, precise: false, host: null, tagStart: null };
  }
  const bareTime = BARE_TIME.exec(line);
  if (bareTime) return { time: null, precise: false, host: null, tagStart: bareTime[0].length, repair: 'bare-time-stamp' };
  const stampless = HOST_WITHOUT_STAMP.exec(line);
  if (stampless) return { time: null, precise: false, host: stampless[1] as string, tagStart: stampless[0].length, repair: 'stampless-syslog' };
  return null;
}
