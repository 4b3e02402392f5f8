export { EventDeduplicator } from './event-deduplicator.js';
export { DenialAggregator, LISTED_PIDS, type DenialSummary } from './denial-summary.js';
export { denialPredicate, globMatcher, type DenialFilter } from './denial-filter.js';
