import { describeNote } from './denial-notes.js';
import { explainFinding } from './finding-reasons.js';
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
  return [...explanationJsonChunks(summaries, stats, attribution)].join('');
}

/** JSON of `value` as JSON.stringify indents it `depth` levels into a document indented by 2. */
function nestedJson(value: unknown, depth: number): string {
  return safeJson(value, 2).replace(/\n/g, `\n${'  '.repeat(depth)}`);
}

/**
 * renderExplanationJson's text, a denial at a time, so that a hundred thousand denials are
 * written without the whole document (tens of megabytes, several times over) in memory at
 * once. Joined, the chunks are exactly `JSON.stringify(document, null, 2)` with safeJson's escapes.
 */
export function* explanationJsonChunks(summaries: DenialSummary[], stats: ExplainStats, attribution: UnitAttribution | null = null): Generator<string> {
  yield `{\n${attribution ? `  "unit": ${safeJson(attribution.unit)},\n` : ''}`;
  if (summaries.length === 0) {
    yield '  "denials": [],\n';
  } else {
    yield '  "denials": [\n';
    for (let index = 0; index < summaries.length; index++) {
      const summary = summaries[index]!;
      yield `    ${nestedJson(denialJson(summary, attribution), 2)}${index < summaries.length - 1 ? ',' : ''}\n`;
    }
    yield '  ],\n';
  }
  yield `  "stats": ${nestedJson(stats, 1)}\n}\n`;
}

function denialJson(summary: DenialSummary, attribution: UnitAttribution | null): object {
  return {
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
    notes: summary.notes.map(describeNote),
    note_codes: summary.notes,
    ...(attribution ? { attribution: attributionJson(attribution.findings.get(summary)) } : {}),
  };
}

function attributionJson(finding: Finding | undefined): object | null {
  return finding ? findingAttributionJson(finding) : null;
}

/** What blocked a call and its fix, as both JSON forms give it (`attribution` in explain's, each finding in suggest's). */
export function findingAttributionJson(finding: Finding): Record<string, unknown> {
  return {
    cause: finding.cause,
    directive: finding.directive,
    source: finding.source,
    via: finding.via,
    allow: finding.allow,
    explanation: explainFinding(finding),
    explanation_code: finding.reason,
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
    ses: denial.ses,
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
    notes: denial.notes.map(describeNote),
    note_codes: denial.notes,
  })}\n`;
}
