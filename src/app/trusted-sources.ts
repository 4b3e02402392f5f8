import { existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { dirname, posix } from 'node:path';
import { TrustedEvidence, emptyStats, isTrusted, verifyDenial, verifyUnitExit, type InputProvenance } from '../analysis/index.js';
import type { DecodeOptions } from '../decode/index.js';
import { commandSource, fileSource, type InputSource } from '../input/index.js';
import { readDenials } from './read-denials.js';
import { hostRunsSystemd } from './unit-loading.js';

/** The journal entries that can vouch for a seccomp kill: the kernel's and audit's records, PID 1's and systemd-coredump's words. */
export const TRUSTED_JOURNAL_MATCHES = ['_TRANSPORT=kernel', '_TRANSPORT=audit', '+', '_PID=1', '+', '_COMM=systemd-coredump'];

const AUDIT_LOGS = ['/var/log/audit/audit.log', '/var/log/audit/audit.log.1'];

/** Owned by root and writable by nobody else: the file and the directory it is in. */
function onlyRootCanWrite(path: string): boolean {
  const status = statSync(path);
  return status.uid === 0 && (status.mode & 0o022) === 0;
}

/**
 * What vouches for a named input (docs/security.md): a regular file that only root can write,
 * in a directory only root can write, like auditd's log; anything else vouches for nothing.
 */
export function fileProvenance(path: string): InputProvenance {
  try {
    const real = realpathSync(path);
    if (!statSync(real).isFile()) return { code: 'anyone' };
    return onlyRootCanWrite(real) && onlyRootCanWrite(dirname(real)) ? { code: 'root-only-file', path: real } : { code: 'anyone' };
  } catch {
    return { code: 'anyone' };
  }
}

/** The journal directory of an offline image, when it has one that is not a link out of it. */
function imageJournal(root: string): string | null {
  const path = posix.join(root, 'var/log/journal');
  try {
    return lstatSync(path).isDirectory() ? path : null;
  } catch {
    return null;
  }
}

/** Where trusted entries can be read for the host or image the log came from. */
export function trustedSources(root: string | null, from: number, to: number): { source: InputSource; provenance: InputProvenance }[] {
  const window = ['--since', `@${Math.floor(from / 1000)}`, '--until', `@${Math.ceil(to / 1000)}`];
  const sources: { source: InputSource; provenance: InputProvenance }[] = [];
  const imageDirectory = root === null ? null : imageJournal(root);
  const journal = root === null ? (hostRunsSystemd() ? [] : null) : imageDirectory === null ? null : ['-D', imageDirectory];
  if (journal !== null) {
    sources.push({
      source: commandSource('journalctl', [...journal, '-o', 'json', '--no-pager', '-q', ...window, ...TRUSTED_JOURNAL_MATCHES]),
      provenance: { code: 'own-journal' },
    });
  }
  for (const log of AUDIT_LOGS) {
    const path = root === null ? log : posix.join(root, log);
    if (!existsSync(path)) continue;
    const provenance = fileProvenance(path);
    if (provenance.code === 'root-only-file') sources.push({ source: fileSource(path), provenance });
  }
  return sources;
}

export interface GatheredEvidence {
  evidence: TrustedEvidence;
  /** What was read, by label. */
  searched: string[];
  /** What could not be read, and why. */
  failures: string[];
}

/** Reads the trusted sources' entries stamped between `from` and `to` (ms), to confirm text lines against. */
export async function gatherTrustedEvidence(root: string | null, from: number, to: number, decode: DecodeOptions): Promise<GatheredEvidence> {
  const evidence = new TrustedEvidence();
  const searched: string[] = [];
  const failures: string[] = [];
  for (const { source, provenance } of trustedSources(root, from, to)) {
    let failed = false;
    const denials = readDenials([source], {
      decode,
      filter: { since: from, until: to },
      now: Date.now(),
      onInputError: (error) => {
        failed = true;
        failures.push(error.message);
      },
      onUnitExit: (exit) => {
        if (isTrusted(verifyUnitExit(exit, provenance))) evidence.addExit(exit);
      },
    }, emptyStats());
    for await (const denial of denials) {
      if (isTrusted(verifyDenial(denial, provenance))) evidence.addDenial(denial);
    }
    if (!failed) searched.push(source.label);
  }
  return { evidence, searched, failures };
}
