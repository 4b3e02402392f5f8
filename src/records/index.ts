export { parseRecordLine, type ParseContext } from './parse-line.js';
export { isMalformed, type AuditRecord, type MalformedRecord, type LineReading, type RecordFormat } from './audit-record.js';
export { decodeHexString, type RecordFields } from './audit-fields.js';
export { parseUnitExitLine, UNIT_EXIT_MARKERS, type UnitExitRecord } from './unit-exit.js';
export { readSenderTag, type RecordOrigin, type SenderTag } from './record-origin.js';
export { PASTE_REPAIRS, type PasteRepair } from './pasted-text.js';
