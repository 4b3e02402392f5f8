import type { Denial } from '../decode/index.js';
import type { Verification } from './record-trust.js';
import { DenialAggregator } from './denial-summary.js';

/**
 * Which of the kernel's records are a run's (docs/run.md): the run's processes have an audit
 * session of their own, and the exec of its command, logged first, names it. Pure: the records
 * come in, the session and its calls go out.
 */

/** The call whose log record names a run's session: the exec of the command by systemd's child. */
export const SESSION_MARKER_CALL = 'execve';

/** How many sessions that began in the run's time are followed: more means many runs at once. */
const FOLLOWED_SESSIONS = 64;

/** What tells a run's marker: who execs the command, since when, as which login uid. */
export interface MarkerExpectation {
  /**
   * The executables that exec a service's command: PID 1's (up to systemd 254, its forked child
   * execs) and systemd-executor beside it (255 and later). Empty: any.
   */
  execers: string[];
  /** When the run started, ms since the epoch. */
  since: number;
  /** The uid pam_loginuid gives the run's processes as their login uid. */
  loginUid: number;
}

/** Why no session could be told, or null. */
export type SessionProblem =
  | { code: 'no-session-marker' }
  | { code: 'no-audit-session' }
  | { code: 'sessions-ambiguous'; sessions: number[] };

/** A distinct call: the same call of the same program on the same ABI. */
export function callKey(call: { abi: string | null; nr: number | null; exe: string | null }): string {
  return `${call.abi ?? ''} ${call.nr ?? ''} ${call.exe ?? ''}`;
}

export function isSessionMarker(denial: Denial, expected: MarkerExpectation): boolean {
  if (denial.syscall !== SESSION_MARKER_CALL || denial.action !== 'log') return false;
  if (expected.execers.length > 0 && (denial.exe === null || !expected.execers.includes(denial.exe))) return false;
  if (denial.auid !== expected.loginUid) return false;
  // The kernel stamps records with the clock Date.now() reads; a stamp to the second counts from that second.
  const start = denial.timePrecise ? expected.since : Math.floor(expected.since / 1000) * 1000;
  return denial.time !== null && denial.time >= start;
}

/**
 * The records of the sessions that began in the run's time, each session's kept apart as they
 * are read, so that memory is bounded by the distinct calls, not the records: a session's
 * marker comes before its other records.
 */
export class SessionRecords {
  readonly markers: { ses: number | null; pid: number | null }[] = [];
  private readonly bySession = new Map<number, { aggregator: DenialAggregator; verifications: Map<string, Verification> }>();

  constructor(private readonly expected: MarkerExpectation) {}

  add(denial: Denial, verification: Verification): void {
    if (isSessionMarker(denial, this.expected)) {
      if (this.markers.length < FOLLOWED_SESSIONS) this.markers.push({ ses: denial.ses, pid: denial.pid });
      if (denial.ses !== null && !this.bySession.has(denial.ses) && this.bySession.size < FOLLOWED_SESSIONS) {
        this.bySession.set(denial.ses, { aggregator: new DenialAggregator(), verifications: new Map() });
      }
    }
    const session = denial.ses === null ? undefined : this.bySession.get(denial.ses);
    if (!session) return;
    session.aggregator.add(denial);
    if (!session.verifications.has(callKey(denial))) session.verifications.set(callKey(denial), verification);
  }

  /**
   * The run's session: the marker of its main process; where the pids the records carry are
   * not the ones PID 1 knows (a container: records carry the host's), the only marker there is.
   */
  session(mainPid: number | null, pidsComparable: boolean): { session: number; problem: null } | { session: null; problem: SessionProblem } {
    if (this.markers.length === 0) return { session: null, problem: { code: 'no-session-marker' } };
    const sessions = [...new Set(this.markers.map((marker) => marker.ses))];
    let marker: { ses: number | null } | undefined;
    if (pidsComparable && mainPid !== null) marker = this.markers.find((candidate) => candidate.pid === mainPid);
    else if (sessions.length === 1) marker = this.markers[0];
    if (marker === undefined) {
      return { session: null, problem: sessions.length > 1 || !pidsComparable ? { code: 'sessions-ambiguous', sessions: sessions.filter((ses): ses is number => ses !== null) } : { code: 'no-session-marker' } };
    }
    return marker.ses === null ? { session: null, problem: { code: 'no-audit-session' } } : { session: marker.ses, problem: null };
  }

  /** The session's calls, and what vouches for each (by callKey). */
  callsOf(session: number): { aggregator: DenialAggregator; verifications: Map<string, Verification> } | null {
    return this.bySession.get(session) ?? null;
  }
}
