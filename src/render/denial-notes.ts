import type { DenialNote } from '../decode/index.js';
import type { PasteRepair } from '../records/index.js';

/** What each repair of a pasted record undid, in words. */
const REPAIR_WORDS: Readonly<Record<PasteRepair, string>> = {
  'quote-prefix': 'a quote prefix',
  'comment-prefix': 'a comment mark',
  indent: 'an indent',
  'line-number': 'a grep -n line number',
  'shell-prompt': 'a shell prompt',
  markdown: 'markdown formatting',
  rewrapped: 'a record wrapped over several lines, joined',
  elided: 'an elision (...): the fields cut out are unknown',
  'lost-separator': 'the lost ENRICHED separator',
  'stampless-syslog': 'a syslog line without a time stamp',
  'bare-time-stamp': 'a time of day without a date',
  'quoted-by-tool': "another tool's report (snappy-debug)",
};

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
    case 'repaired-paste':
      return `read as pasted text: ${note.repairs.map((repair) => REPAIR_WORDS[repair]).join(', ')}; not trusted for --write`;
    case 'worded':
      return note.text;
  }
}
