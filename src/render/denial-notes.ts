import type { DenialNote } from '../decode/index.js';

/** A denial note in words (the `note:` lines, and `notes` in both JSON forms). */
export function describeNote(note: DenialNote): string {
  switch (note.code) {
    case 'assumed-abi':
      return `the record has no arch=; ${note.abi} assumed (--abi to change)`;
    case 'auditd-named-differently':
      return `auditd on the host named it ${note.name}`;
    case 'interpreted-arch-unknown':
      return `ausearch -i named the arch ${note.arch}, which no table has`;
    case 'interpreted-syscall-unknown':
      return `ausearch -i named the syscall ${note.name}, which the ${note.abi} table does not have`;
    case 'arch-unknown':
      return `no syscall table has arch ${note.arch}`;
    case 'no-action-code':
      return 'the record has no code=';
    case 'action-code-unknown':
      return `code=${note.value} is no seccomp action`;
    case 'interpreted-kill':
      return 'ausearch -i prints code=kill for both kill_process and kill_thread';
    case 'strict-mode-kill':
      return 'SIGKILL: strict-mode seccomp (mode 1), which allows only read, write, exit and sigreturn';
    case 'worded':
      return note.text;
  }
}
