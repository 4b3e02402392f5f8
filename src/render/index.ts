export {
  explanationTextChunks, renderDenialLine, describeSyscall, describeStats, describeOverflow, describeActionMeaning, describeSuggestHint,
  describeNotText, describeEmptyStore, describeIngest, type ExplanationGuide, type NotTextInput, type IngestCounts,
} from './explanation-text.js';
export { renderExplanationJson, explanationJsonChunks, renderDenialNdjson, type UnitAttribution } from './explanation-json.js';
export { escapeForTerminal, escapeMessageForTerminal, formatCount, formatTime, COLOUR_PALETTE, PLAIN_PALETTE, type Palette } from './terminal-text.js';
export { renderSuggestionText, renderSuggestionJson, suggestionFindingLines, suggestionFindingBody, suggestionJsonValue, dropInHeader, type SuggestionReport, type WithheldReason } from './suggestion-output.js';
export { describeNote } from './denial-notes.js';
export { describeGroupTableSource } from './group-table-source.js';
export { describeUnitWarning } from './unit-warnings.js';
export { describeSuggestWarning, type SuggestWarning } from './suggest-warnings.js';
export { explainFinding } from './finding-reasons.js';
export { renderGroupsJson, renderGroupsText, renderLookupJson, renderLookupText, type GroupListing, type SyscallLookup } from './groups-output.js';
export {
  renderRunText, renderRunJson, renderRunJunit, renderRunAnnotations, changelogLine, describeLoss, describeExit,
  type RunReport, type RunVerdict, type CommandExit, type RecordLoss, type BaselineCall,
} from './run-output.js';
export {
  renderLearnStartText, renderLearnStatusText, renderLearnStopText, renderLearnJson, describeRestartQuestion, type RestartQuestion, type LearnReport, type LearnStartReport, type LearnLoss,
} from './learn-output.js';
export { renderDoctorText, renderDoctorJson, describeCheck, type DoctorReport, type CheckWords } from './doctor-output.js';
export { describeHostLogChoice, type HostLog, type HostLogChoice, type HostLogPassedOver } from './host-log-choice.js';
