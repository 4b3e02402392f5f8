import { spawnSync } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { commandSource, fileSource, type InputSource } from '../input/index.js';
import type { HostLogChoice, HostLogPassedOver } from '../render/index.js';

/** auditd's log, where `explain` and `suggest` look first when given no file and no pipe. */
export const DEFAULT_AUDIT_LOG = '/var/log/audit/audit.log';
/** Where journald keeps its files: persistent, then volatile. */
const JOURNAL_DIRECTORIES = ['/var/log/journal', '/run/log/journal'];
/** The kernel's ring buffer, which `dmesg` prints. */
const KERNEL_MESSAGES = '/dev/kmsg';
const PROBE_TIMEOUT_MS = 10_000;

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException).code;
}

/** Whether `path` can be read: null when it can, else why not. */
function fileAccess(path: string): 'missing' | 'unreadable' | null {
  try {
    accessSync(path, constants.R_OK);
    return null;
  } catch (error) {
    return errorCode(error) === 'ENOENT' ? 'missing' : 'unreadable';
  }
}

function entries(directory: string): string[] | 'unreadable' {
  try {
    return readdirSync(directory);
  } catch (error) {
    return errorCode(error) === 'ENOENT' ? [] : 'unreadable';
  }
}

/** journald's files (`*.journal`) in its directories and their machine-id directories: none, none readable, or some readable. */
function journalFiles(): 'missing' | 'unreadable' | null {
  let found = false;
  let blocked = false;
  for (const directory of JOURNAL_DIRECTORIES) {
    const top = entries(directory);
    if (top === 'unreadable') {
      blocked = true;
      continue;
    }
    for (const name of top) {
      const inner = name.endsWith('.journal') ? [join(directory, name)] : (() => {
        const listed = entries(join(directory, name));
        if (listed === 'unreadable') blocked = true;
        return listed === 'unreadable' ? [] : listed.filter((file) => file.endsWith('.journal')).map((file) => join(directory, name, file));
      })();
      for (const file of inner) {
        found = true;
        if (fileAccess(file) === null) return null;
      }
    }
  }
  return found || blocked ? 'unreadable' : 'missing';
}

/** Whether journalctl shows a kernel message of this boot: null when it does. */
function journalKernelEntries(): 'not-installed' | 'no-kernel-entries' | null {
  const probe = spawnSync('journalctl', ['-k', '-b', '-n', '1', '-o', 'json', '--no-pager', '-q'], { encoding: 'utf8', timeout: PROBE_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'ignore'] });
  if (errorCode(probe.error) === 'ENOENT') return 'not-installed';
  return probe.stdout !== undefined && probe.stdout.trim() !== '' ? null : 'no-kernel-entries';
}

/** Whether the kernel's ring buffer can be read (`kernel.dmesg_restrict` keeps it from other users than root). */
function ringBufferAccess(): 'missing' | 'unreadable' | null {
  try {
    closeSync(openSync(KERNEL_MESSAGES, constants.O_RDONLY | constants.O_NONBLOCK));
    return null;
  } catch (error) {
    return errorCode(error) === 'ENOENT' ? 'missing' : 'unreadable';
  }
}

/**
 * With no file named and a terminal on stdin, the host's own log, first found wins: auditd's
 * log, this boot's kernel messages in the journal, the kernel's ring buffer (`dmesg`). Returns
 * the source (null when none can be read) and the choice, with why each one before it was not.
 */
export function chooseHostLog(): { source: InputSource | null; choice: HostLogChoice } {
  const passedOver: HostLogPassedOver[] = [];
  const auditLog = fileAccess(DEFAULT_AUDIT_LOG);
  if (auditLog === null) return { source: fileSource(DEFAULT_AUDIT_LOG), choice: { chosen: { log: 'audit-log', label: DEFAULT_AUDIT_LOG }, passedOver } };
  passedOver.push({ log: 'audit-log', reason: auditLog, path: DEFAULT_AUDIT_LOG });
  const files = journalFiles();
  const journal = files === null ? journalKernelEntries() : null;
  if (files === null && journal === null) {
    const source = commandSource('journalctl', ['-k', '-b', '-o', 'json', '--no-pager']);
    return { source, choice: { chosen: { log: 'journal', label: source.label }, passedOver } };
  }
  passedOver.push(files !== null ? { log: 'journal', reason: files, path: JOURNAL_DIRECTORIES.join(' or ') } : { log: 'journal', reason: journal ?? 'no-kernel-entries' });
  const ringBuffer = ringBufferAccess();
  if (ringBuffer === null) {
    const source = commandSource('dmesg', []);
    return { source, choice: { chosen: { log: 'ring-buffer', label: source.label }, passedOver } };
  }
  passedOver.push({ log: 'ring-buffer', reason: ringBuffer, path: KERNEL_MESSAGES });
  return { source: null, choice: { chosen: null, passedOver } };
}
