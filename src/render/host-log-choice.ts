import { escapeForTerminal } from './terminal-text.js';

/** The host's logs `explain` looks in when given no file, in the order it tries them. */
export type HostLog = 'audit-log' | 'journal' | 'ring-buffer';

/** Why a host log was not read. */
export type HostLogPassedOver =
  | { log: HostLog; reason: 'missing' | 'unreadable'; path: string }
  | { log: 'journal'; reason: 'no-kernel-entries' | 'not-installed' };

/** Which of the host's logs was read (null: none could be), and why not those before it. */
export interface HostLogChoice {
  chosen: { log: HostLog; label: string } | null;
  passedOver: HostLogPassedOver[];
}

function describePassedOver(passed: HostLogPassedOver): string {
  switch (passed.reason) {
    case 'missing':
      return passed.log === 'journal' ? `no journal files in ${escapeForTerminal(passed.path)}` : `${escapeForTerminal(passed.path)} does not exist`;
    case 'unreadable':
      return passed.log === 'journal' ? `the journal files in ${escapeForTerminal(passed.path)} are not readable` : `${escapeForTerminal(passed.path)} is not readable`;
    case 'no-kernel-entries':
      return 'the journal holds no kernel messages of this boot';
    case 'not-installed':
      return 'journalctl is not installed';
  }
}

/** `reading dmesg (no file given; /var/log/audit/audit.log does not exist; no journal files in …)`. */
export function describeHostLogChoice(choice: HostLogChoice): string {
  const reasons = ['no file given', ...choice.passedOver.map(describePassedOver)].join('; ');
  if (choice.chosen === null) return `no log to read (${reasons}): name a log file, or pipe one in`;
  return `reading ${escapeForTerminal(choice.chosen.label)} (${reasons})`;
}
