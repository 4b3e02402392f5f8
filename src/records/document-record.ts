import { isObject, readAuditbeatDocument, readLaurelEvent, readSeccompExplainNdjson, type JsonObject, type SeccompDocumentReading } from '../formats/index.js';
import type { RecordFields } from './audit-fields.js';
import type { LineReading, RecordFormat } from './audit-record.js';
import type { RecordOrigin } from './record-origin.js';

/**
 * The JSON document forms of a fleet's log pipeline (Auditbeat, laurel, seccomp-explain's own
 * NDJSON; src/formats/), as record parsers. A document's every value is the shipper's word:
 * its origin is text framed by someone else, which nothing but a confirmation against the
 * host's own journal or audit log can vouch for (docs/security.md).
 */
const SHIPPED: RecordOrigin = Object.freeze({ channel: 'text', sender: null, framed: true });

/** Every record form, so that a form named by seccomp-explain's NDJSON is checked to be one. */
const RECORD_FORMATS: Record<RecordFormat, true> = {
  kernel: true, 'kernel-abend': true, 'journal-audit': true, auditd: true, 'auditd-enriched': true,
  'ausearch-interpreted': true, 'journal-json': true, auditbeat: true, laurel: true, 'snappy-debug': true,
};

/** The line last parsed, and what it parsed to: the document forms are tried in turn on one line. */
let lastLine: string | null = null;
let lastParsed: unknown = undefined;

function parsedJson(line: string): unknown {
  if (line !== lastLine) {
    lastLine = line;
    try {
      lastParsed = JSON.parse(line);
    } catch {
      lastParsed = undefined;
    }
  }
  return lastParsed;
}

type DocumentReader = (parsed: JsonObject, text: string) => SeccompDocumentReading;

function documentParser(read: DocumentReader, marker: string): (text: string) => LineReading {
  return (text) => {
    const parsed = parsedJson(text);
    if (parsed === undefined) return text.includes(marker) ? { malformed: true, reason: 'JSON that does not parse', text } : null;
    if (!isObject(parsed)) return null;
    const reading = read(parsed, text);
    if (reading === null) return null;
    if ('damaged' in reading) return { malformed: true, reason: reading.damaged, text };
    if (!Object.hasOwn(RECORD_FORMATS, reading.format)) return { malformed: true, reason: `unknown record form ${JSON.stringify(reading.format)}`, text };
    return {
      format: reading.format as RecordFormat,
      time: reading.time,
      timePrecise: reading.timePrecise,
      serial: reading.serial,
      host: reading.host,
      fields: reading.fields as RecordFields,
      enriched: reading.enriched,
      interpreted: reading.interpreted,
      origin: SHIPPED,
      text,
    };
  };
}

export const parseAuditbeatLine = documentParser(readAuditbeatDocument, 'violated-seccomp-policy');
export const parseLaurelLine = documentParser(readLaurelEvent, '"SECCOMP":[');
export const parseSeccompExplainNdjsonLine = documentParser(readSeccompExplainNdjson, '"note_codes":');
