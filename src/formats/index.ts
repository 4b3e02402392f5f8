export { LOG_FORMATS, SECCOMP_RECORD_MARKERS, TEXT_RECORD_MARKERS, UNIT_EXIT_MARKERS, formatsReadBy, markersOf, type LogFormat, type LogFormatId, type LogFormatReader, type SeccompRecordFormatId } from './log-formats.js';
export { AUDITD_OTHER, NOT_AUDITD, auditdRecordStartInBytes, auditdTypeStartInText, isAuditdRecordType } from './auditd-line-shape.js';
export { readAuditbeatDocument, AUDITBEAT_MARKER } from './auditbeat-document.js';
export { readLaurelEvent, percentDecoded, LAUREL_MARKER } from './laurel-event.js';
export { readSeccompExplainNdjson, SECCOMP_EXPLAIN_NDJSON_MARKER } from './seccomp-explain-ndjson.js';
export { isObject, type SeccompDocument, type DamagedSeccompDocument, type SeccompDocumentReading, type JsonObject } from './seccomp-document.js';
export { LAST_FIELD, MAX_WRAPPED_LINES, PASTE_JOIN, PASTE_JOIN_BYTE, isContinuationInBytes, isWrappedRecordStartInBytes } from './pasted-text.js';
