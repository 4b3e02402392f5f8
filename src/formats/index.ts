export { LOG_FORMATS, SECCOMP_RECORD_MARKERS, UNIT_EXIT_MARKERS, formatsReadBy, markersOf, type LogFormat, type LogFormatId, type LogFormatReader, type SeccompRecordFormatId } from './log-formats.js';
export { AUDITD_OTHER, NOT_AUDITD, auditdRecordStartInBytes, auditdTypeStartInText, isAuditdRecordType } from './auditd-line-shape.js';
