export { decodeRecord, type Denial, type DecodeOptions, type DecodeResult } from './denial.js';
export { decodeAction, type SeccompAction } from './seccomp-action.js';
export { signalName } from './signal-name.js';
export { AbiRegistry, SyscallTable, type SyscallTableData, type SyscallTableEntry } from './syscall-table.js';
export { loadBundledSyscallTables } from './bundled-tables.js';
export { hostAbi } from './host-abi.js';
export { DENIAL_FIELDS, PUBLIC_DENIAL_FIELD_NAMES, EVENT_KEY_FIELDS, type DenialField, type DenialFieldKind, type DenialFieldScope, type DenialFieldName, type DenialFieldNameOf } from './denial-fields.js';
export { asDenialNote, noteKey, type DenialNote } from './denial-note.js';
