export { EventDeduplicator } from './event-deduplicator.js';
export { DenialAggregator, denialGroupKey, withDistinctNote, COUNTED_OVERFLOW, COUNTED_PIDS, LISTED_DENIALS, LISTED_PIDS, LISTED_VALUES, type DenialSummary } from './denial-summary.js';
export { denialPredicate, type DenialFilter } from './denial-filter.js';
export { emptyStats, type ExplainStats } from './explain-stats.js';
export {
  verifyDenial, verifyUnitExit, isTrusted, canBeVouchedFor, type InputProvenance, type Verification, type UnverifiedReason,
} from './record-trust.js';
export { TrustedEvidence, sightingOf, CONFIRMATION_WINDOW_MS, EVIDENCE_LIMIT, type EventSighting } from './trusted-evidence.js';
export { DistinctFingerprints } from './distinct-fingerprints.js';
export { SessionRecords, callKey, isSessionMarker, SESSION_MARKER_CALL, type MarkerExpectation, type SessionProblem } from './run-session.js';
