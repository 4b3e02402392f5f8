/**
 * The registry of log forms: what a line of each looks like, as bytes for the prefilter
 * (src/input/candidate-lines.ts) and as text for the parsers' dispatch (src/records/parse-line.ts,
 * which pairs each seccomp form here with its parser, and src/records/unit-exit.ts). A form
 * added here is searched for by the prefilter, dispatched by the record reader (the compiler
 * asks for its parser) and covered by the prefilter/parser agreement property
 * (test/prefilter-parser-agreement.test.ts), which reads its samples. docs/architecture.md,
 * "How to add a log format".
 */

/** The reader a form's lines go to: the seccomp record reader, or the unit exit reader. */
export type LogFormatReader = 'seccomp-record' | 'unit-exit';

export type LogFormatId = 'auditd' | 'kernel' | 'journal-audit' | 'journal-json' | 'auditbeat' | 'laurel' | 'seccomp-explain-ndjson' | 'snappy-debug' | 'unit-exit';
/** The forms the seccomp record reader has a parser for (src/records/parse-line.ts). */
export type SeccompRecordFormatId = Exclude<LogFormatId, 'unit-exit'>;

export interface LogFormat {
  id: LogFormatId;
  reader: LogFormatReader;
  /**
   * Byte strings (ASCII) of which every line its parser reads, as a record or as a damaged one,
   * holds at least one: the prefilter passes on any line that holds one.
   */
  markers: readonly string[];
  /**
   * How the record reader tells its lines, tried in registry order after the line-start forms
   * and auditd's shape: a line that starts with `lineStart`, or one that holds any of
   * `headers`. Each holds one of `markers`, so the prefilter passes every line dispatched here.
   */
  lineStart?: string;
  headers: readonly string[];
  /**
   * The prefilter's fast path (src/formats/auditd-line-shape.ts): a chunk whose every line has
   * auditd's shape is not searched for markers, its records being the lines whose type is
   * SECCOMP. `by-type`: this form's lines are those. `never`: no line this form's parser reads
   * has auditd's shape (the record reader gives every line of that shape to the `by-type` form).
   */
  auditdShape: 'by-type' | 'never';
  /** Real lines of the form, one per variant it covers: the agreement property's material. */
  samples: readonly string[];
}

const BODY = 'auid=4294967295 uid=0 gid=0 ses=4294967295 pid=13052 comm="seccomp-trigger" exe="/tmp/sc-fixtures/x86_64/seccomp-trigger" sig=31 arch=c000003e syscall=160 compat=0 ip=0x7f4c0ab80829 code=0x80000000';
const LEGACY_BODY = 'auid=4294967295 uid=0 gid=0 ses=4294967295 pid=13222 comm="seccomp-trigger" exe="/tmp/sc-fixtures/x86_64/seccomp-trigger" reason="seccomp" sig=31 syscall=160 compat=0 ip=0x7f5747fdb829 code=0x0';
/** The same event as BODY's, as the fleet forms ship it (src/formats/auditbeat-document.ts, laurel-event.ts, seccomp-explain-ndjson.ts). */
const AUDITBEAT_PROCESS = '"process":{"pid":13052,"name":"seccomp-trigger","executable":"/tmp/sc-fixtures/x86_64/seccomp-trigger"},"user":{"id":"0","audit":{"id":"4294967295"}},"host":{"name":"web1"}';
const LAUREL_SECCOMP = '{"auid":4294967295,"uid":0,"gid":0,"ses":4294967295,"pid":13052,"comm":"seccomp-trigger","exe":"/tmp/sc-fixtures/x86_64/seccomp-trigger","sig":31,"arch":"0xc000003e","syscall":160,"compat":0,"ip":"0x7f4c0ab80829","code":"0x80000000"';
const JOURNAL_TAIL = '"_HOSTNAME":"web1","__REALTIME_TIMESTAMP":"1795439703033000","_SOURCE_REALTIME_TIMESTAMP":"1795439703032000"';

export const LOG_FORMATS: readonly LogFormat[] = [
  {
    id: 'journal-json',
    reader: 'seccomp-record',
    // Its MESSAGE carries any text form's record; as an array of bytes, no text marker survives.
    markers: ['SECCOMP', 'type=1326', 'type=1701', '"MESSAGE":['],
    lineStart: '{',
    headers: [],
    auditdShape: 'never',
    samples: [
      `{"_AUDIT_TYPE":"1326","_AUDIT_TYPE_NAME":"SECCOMP","_AUDIT_ID":"13","MESSAGE":"SECCOMP ${BODY.replaceAll('"', '\\"')}",${JOURNAL_TAIL}}`,
      `{"_TRANSPORT":"kernel","MESSAGE":"audit: type=1326 audit(1795439703.032:13): ${BODY.replaceAll('"', '\\"')}",${JOURNAL_TAIL}}`,
      `{"_TRANSPORT":"syslog","MESSAGE":${JSON.stringify([...Buffer.from(`type=SECCOMP msg=audit(1795439703.032:13): ${BODY}`)])},${JOURNAL_TAIL}}`,
    ],
  },
  {
    id: 'auditd',
    reader: 'seccomp-record',
    markers: ['SECCOMP'],
    headers: ['type=SECCOMP msg=audit('],
    auditdShape: 'by-type',
    samples: [
      `type=SECCOMP msg=audit(1795439703.032:13): ${BODY}`,
      `node=web1 type=SECCOMP msg=audit(1795439703.032:13): ${BODY}`,
      `type=SECCOMP msg=audit(1795439703.032:13): ${BODY}\x1dAUID="unset" UID="root" GID="root" ARCH=x86_64 SYSCALL=setrlimit`,
      'type=SECCOMP msg=audit(11/23/26 13:15:03.032:13) : auid=unset uid=root gid=root ses=unset pid=13052 comm=seccomp-trigger exe=/tmp/sc-fixtures/x86_64/seccomp-trigger sig=SIGSYS arch=x86_64 syscall=setrlimit compat=0 ip=0x7f4c0ab80829 code=kill ',
      `Nov 23 13:15:03 web1 audispd: node=web1 type=SECCOMP msg=audit(1795439703.032:13): ${BODY}`,
    ],
  },
  {
    id: 'kernel',
    reader: 'seccomp-record',
    markers: ['type=1326', 'type=1701'],
    headers: ['type=1326 audit(', 'type=1701 audit('],
    auditdShape: 'never',
    samples: [
      `[  632.086990] audit: type=1326 audit(1795439703.032:13): ${BODY}`,
      `Nov 23 13:15:03 web1 kernel: audit: type=1326 audit(1795439703.032:13): ${BODY}`,
      `[  638.127783] type=1701 audit(1795439709.076:14): ${LEGACY_BODY}`,
    ],
  },
  {
    id: 'journal-audit',
    reader: 'seccomp-record',
    markers: ['SECCOMP'],
    headers: ['SECCOMP auid='],
    auditdShape: 'never',
    samples: [
      `Nov 23 13:15:03 web1 audit[13052]: SECCOMP ${BODY}`,
      `SECCOMP ${BODY}`,
    ],
  },
  {
    id: 'auditbeat',
    reader: 'seccomp-record',
    markers: ['violated-seccomp-policy'],
    lineStart: '{',
    headers: [],
    auditdShape: 'never',
    samples: [
      `{"@timestamp":"2026-11-23T13:15:03.032Z","event":{"module":"auditd","action":"violated-seccomp-policy"},"auditd":{"sequence":13,"session":"4294967295","data":{"arch":"c000003e","syscall":"160","sig":"31","code":"0x80000000","compat":"0","ip":"0x7f4c0ab80829"}},${AUDITBEAT_PROCESS}}`,
      `{"@timestamp":"2026-11-23T13:15:03.032Z","event":{"module":"auditd","action":"violated-seccomp-policy"},"auditd":{"sequence":13,"session":"4294967295","data":{"arch":"x86_64","syscall":"setrlimit","sig":"SIGSYS","code":"0x80000000","compat":"0","ip":"0x7f4c0ab80829"}},${AUDITBEAT_PROCESS}}`,
      `{"_index":".ds-auditbeat-8.15.0-2026.11.23-000001","_id":"x1","_source":{"@timestamp":"2026-11-23T13:15:03.032Z","event":{"action":"violated-seccomp-policy"},"auditd":{"sequence":13,"data":{"arch":"x86_64","syscall":"setrlimit","sig":"SIGSYS","code":"0x80000000","compat":"0","ip":"0x7f4c0ab80829"}},${AUDITBEAT_PROCESS}}}`,
    ],
  },
  {
    id: 'laurel',
    reader: 'seccomp-record',
    markers: ['"SECCOMP":['],
    lineStart: '{',
    headers: [],
    auditdShape: 'never',
    samples: [
      `{"ID":"1795439703.032:13","SECCOMP":[${LAUREL_SECCOMP}}]}`,
      `{"ID":"1795439703.032:13","NODE":"web1","SECCOMP":[${LAUREL_SECCOMP},"AUID":"unset","UID":"root","GID":"root","ARCH":"x86_64","SYSCALL":"setrlimit"}]}`,
    ],
  },
  {
    id: 'seccomp-explain-ndjson',
    reader: 'seccomp-record',
    markers: ['"note_codes":'],
    lineStart: '{',
    headers: [],
    auditdShape: 'never',
    samples: [
      '{"time":"2026-11-23T13:15:03.032Z","serial":13,"host":"web1","pid":13052,"comm":"seccomp-trigger","exe":"/tmp/sc-fixtures/x86_64/seccomp-trigger","uid":0,"user":null,"auid":null,"arch":"c000003e","abi":"x86_64","nr":160,"syscall":"setrlimit","action":"kill_process","code":"0x80000000","signal":"SIGSYS","compat":false,"ip":"0x7f4c0ab80829","format":"kernel","notes":[],"note_codes":[]}',
      ],
    },
    {
    // snappy-debug's `= Seccomp =` report quotes the record on its `Log:` line (a lenient reading).
    id: 'snappy-debug',
    reader: 'seccomp-record',
    markers: ['Log: auid='],
    headers: ['Log: auid='],
    auditdShape: 'never',
    samples: [
      'Log: auid=1000 uid=1000 gid=1000 ses=2 subj=snap.electron-builder-snap-test.electron-builder-snap-test pid=9794 comm="electron-builde" exe="/snap/electron-builder-snap-test/x1/app/electron-builder-snap-test" sig=0 arch=c000003e 330(pkey_alloc) compat=0 ip=0x7924dd90032b code=0x50000',
    ],
  },
  {
    id: 'unit-exit',
    reader: 'unit-exit',
    // `/SYS` ends the exit status; `COREDUMP_UNIT` is a field of systemd-coredump's entries.
    markers: ['/SYS', 'COREDUMP_UNIT'],
    headers: [],
    auditdShape: 'never',
    samples: [
      'Nov 23 13:17:19 rig systemd[1]: rigtest.service: Main process exited, code=killed, status=31/SYS',
      `{"_PID":"1","UNIT":"rigtest.service","MESSAGE":"rigtest.service: Main process exited, code=killed, status=31/SYS",${JOURNAL_TAIL}}`,
      `{"COREDUMP_UNIT":"rigtest.service","COREDUMP_PID":"4242","COREDUMP_SIGNAL":"31","MESSAGE":"Process 4242 (rigtest) of user 0 dumped core.",${JOURNAL_TAIL}}`,
    ],
  },
];

/** The forms read by the reader `reader`, in registry order. */
export function formatsReadBy(reader: LogFormatReader): readonly LogFormat[] {
  return LOG_FORMATS.filter((format) => format.reader === reader);
}

/** The markers of some forms, each once, in registry order. */
export function markersOf(formats: readonly LogFormat[]): string[] {
  return [...new Set(formats.flatMap((format) => format.markers))];
}

/** Every marker of the seccomp record forms: the prefilter's default. */
export const SECCOMP_RECORD_MARKERS: readonly string[] = markersOf(formatsReadBy('seccomp-record'));

/** The markers of the seccomp record forms told by a header: text records, which a paste may wrap over lines. */
export const TEXT_RECORD_MARKERS: readonly string[] = markersOf(formatsReadBy('seccomp-record').filter((format) => format.headers.length > 0));

/** The markers of systemd's unit exit lines, asked for when the unit is being found. */
export const UNIT_EXIT_MARKERS: readonly string[] = markersOf(formatsReadBy('unit-exit'));
