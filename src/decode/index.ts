export { decodeRecord, type Denial, type DecodeOptions, type DecodeResult } from './denial.js';
export { decodeAction, type SeccompAction } from './seccomp-action.js';
export { signalName } from './signal-name.js';
export { AbiRegistry, SyscallTable, type SyscallTableData, type SyscallTableEntry } from './syscall-table.js';
export { loadBundledSyscallTables } from './bundled-tables.js';
export { hostAbi } from './host-abi.js';
export { noteKey, type DenialNote } from './denial-note.js';
