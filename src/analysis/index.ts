export { EventDeduplicator } from './event-deduplicator.js';
export { DenialAggregator, denialGroupKey, COUNTED_OVERFLOW, COUNTED_PIDS, LISTED_DENIALS, LISTED_PIDS, LISTED_VALUES, type DenialSummary } from './denial-summary.js';
export { denialPredicate, type DenialFilter } from './denial-filter.js';
export { emptyStats, type ExplainStats } from './explain-stats.js';
