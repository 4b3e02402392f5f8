import type { DenialSummary, ExplainStats } from '../analysis/index.js';
import type { Denial } from '../decode/index.js';
import type { Finding } from '../systemd/index.js';

/**
 * JSON.stringify, with the characters it leaves raw but a terminal or a JavaScript parser
 * would act on escaped: DEL, the C1 controls (U+009B is a CSI on many terminals), U+2028/9.
 */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(/[\u007f-\u009f\u2028\u2029]/g, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function isoTime(time: number | null): string | null {
  return time === null ? null : new Date(time).toISOString();
}

/** The unit the denials were attributed to (`explain --unit`), and each denial's finding. */
export interface UnitAttribution {
  unit: string;
  findings: Map<DenialSummary, Finding>;
}

/** `--json`: one document with every distinct denial and the run's counts. */
export function renderExplanationJson(summaries: DenialSummary[], stats: ExplainStats, attribution: UnitAttribution | null = null): string {
  const denials = summaries.map((summary) => ({
    abi: summary.abi,
    arch: summary.arch,
    nr: summary.nr,
    syscall: summary.syscall,
    action: summary.action,
    count: summary.count,
    exe: summary.exe,
    comm: summary.comm,
    first: isoTime(summary.first),
    last: isoTime(summary.last),
    pids: summary.pids,
    pid_count: summary.pidCount,
    uids: summary.uids,
    users: summary.users,
    hosts: summary.hosts,
    formats: summary.formats,
    notes: summary.notes,
    ...(attribution ? { attribution: attributionJson(attribution.findings.get(summary)) } : {}),
  }));
  return `${safeJson(attribution ? { unit: attribution.unit, denials, stats } : { denials, stats }, 2)}\n`;
}

function attributionJson(finding: Finding | undefined): object | null {
  if (!finding) return null;
  return {
    cause: finding.cause, directive: finding.directive, source: finding.source, via: finding.via, allow: finding.allow, explanation: finding.explanation,
  };
}

/** `--ndjson`: one decoded event per line, for log pipelines. */
export function renderDenialNdjson(denial: Denial): string {
  return `${safeJson({
    time: isoTime(denial.time),
    serial: denial.serial,
    host: denial.host,
    pid: denial.pid,
    comm: denial.comm,
    exe: denial.exe,
    uid: denial.uid,
    user: denial.user,
    auid: denial.auid,
    arch: denial.arch,
    abi: denial.abi,
    nr: denial.nr,
    syscall: denial.syscall,
    action: denial.action,
    code: denial.code,
    signal: denial.signal,
    compat: denial.compat,
    ip: denial.ip,
    format: denial.format,
    notes: denial.notes,
  })}\n`;
}
