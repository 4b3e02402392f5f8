import { existsSync, readFileSync } from 'node:fs';
import { release } from 'node:os';
import { gunzipSync } from 'node:zlib';
import type { DoctorReport } from '../render/index.js';
import {
  denialsLogged, doctorChecks, kernelConfigAudit,
  type AuditRuleListing, type DoctorUnit, type HostFacts, type KernelAuditSupport, type KernelLogLoss, type SystemdGroups,
} from '../systemd/index.js';
import { auditdRuns, auditStatus, journaldReadsAudit, kernelLogLossSince, pid1LogsSeccomp, runCommand } from './kernel-records.js';
import { hostRunsSystemd, loadUnit } from './unit-loading.js';
import { tellSkippedFiles } from './unit-tree.js';

const CONFIG_SIZE_LIMIT = 16 * 1024 * 1024;

export interface DoctorRequest {
  /** `--unit`: the live unit, or the name for `--unit-file`. */
  unit?: string;
  unitFiles: string[];
  groups: SystemdGroups;
}

function readText(path: string): string | null {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return null;
  }
}

function words(path: string): string[] | null {
  const text = readText(path);
  return text === null ? null : text.trim().split(/\s+/).filter(Boolean);
}

function kernelAudit(): KernelAuditSupport {
  try {
    const text = gunzipSync(readFileSync('/proc/config.gz'), { maxOutputLength: CONFIG_SIZE_LIMIT }).toString('latin1');
    return kernelConfigAudit(text, '/proc/config.gz');
  } catch {
    // Not built with IKCONFIG_PROC: try /boot.
  }
  const bootConfig = `/boot/config-${release()}`;
  const text = readText(bootConfig);
  if (text !== null) return kernelConfigAudit(text, bootConfig);
  return existsSync('/proc/self/loginuid') ? { code: 'loginuid' } : { code: 'unknown' };
}

function auditRules(): AuditRuleListing {
  const listed = runCommand('auditctl', ['-l']);
  if (listed.missing) return { code: 'no-auditctl' };
  if (listed.status !== 0) return { code: 'not-read', message: (listed.stderr.trim().split('\n')[0] ?? '').slice(0, 200) || `exit status ${listed.status ?? 'unknown'}` };
  return { code: 'listed', rules: listed.stdout.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('-')) };
}

/** The container manager, from systemd-detect-virt or the files container managers leave. */
function container(): string | null {
  const detected = runCommand('systemd-detect-virt', ['--container']);
  if (!detected.missing && detected.status !== null) {
    const name = detected.stdout.trim();
    return detected.status === 0 && name !== '' && name !== 'none' ? name.slice(0, 100) : null;
  }
  const named = readText('/run/systemd/container')?.trim();
  if (named) return named.slice(0, 100);
  if (existsSync('/.dockerenv')) return 'docker';
  if (existsSync('/run/.containerenv')) return 'podman';
  return null;
}

/** What this boot's kernel log says of lost records: the journal's where PID 1 is systemd, else dmesg; read as it streams. */
async function kernelLog(systemd: boolean): Promise<KernelLogLoss | null> {
  return (systemd ? await kernelLogLossSince('boot', 'journal') : null) ?? kernelLogLossSince('boot', 'dmesg');
}

/** This host's facts for doctor's checks (docs/doctor.md). */
async function gatherHostFacts(): Promise<HostFacts> {
  const systemd = hostRunsSystemd();
  let socket: HostFacts['journaldAuditSocket'] = null;
  if (systemd) socket = journaldReadsAudit() ? 'active' : 'inactive';
  return {
    actionsLogged: words('/proc/sys/kernel/seccomp/actions_logged'),
    actionsAvailable: words('/proc/sys/kernel/seccomp/actions_avail'),
    kernelCommandLine: readText('/proc/cmdline'),
    pid1Name: readText('/proc/1/comm')?.trim() ?? null,
    pid1LogsSeccomp: pid1LogsSeccomp(),
    kernelAudit: kernelAudit(),
    auditRules: auditRules(),
    auditStatus: auditStatus(),
    auditdRuns: auditdRuns(),
    journaldAuditSocket: socket,
    container: container(),
    kernelLog: await kernelLog(systemd),
  };
}

/**
 * `doctor`: whether a seccomp denial (of the unit, with one) would be logged on this host, each
 * check with its data (docs/doctor.md). The unit is read as suggest reads it (`loadUnit`).
 */
export async function doctor(request: DoctorRequest, tell: (message: string) => void): Promise<DoctorReport> {
  let unit: DoctorUnit | null = null;
  if (request.unit !== undefined || request.unitFiles.length > 0) {
    const loaded = loadUnit(request.unit, request.unitFiles, null, tellSkippedFiles(tell));
    unit = { configuration: loaded.configuration, loaded: loaded.loaded };
  }
  const checks = doctorChecks(await gatherHostFacts(), unit, request.groups);
  return { unit: unit?.configuration.unit ?? null, checks, logged: denialsLogged(checks) };
}
