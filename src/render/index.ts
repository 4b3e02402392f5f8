export { renderExplanationText, explanationTextChunks, renderDenialLine, describeSyscall, describeStats, describeOverflow } from './explanation-text.js';
export { renderExplanationJson, explanationJsonChunks, renderDenialNdjson, type UnitAttribution } from './explanation-json.js';
export { escapeForTerminal, escapeMessageForTerminal, formatCount, formatTime, COLOUR_PALETTE, PLAIN_PALETTE, type Palette } from './terminal-text.js';
export { renderSuggestionText, renderSuggestionJson, dropInHeader, type SuggestionReport, type WithheldReason } from './suggestion-output.js';
export { describeNote } from './denial-notes.js';
export { renderGroupsJson, renderGroupsText, renderLookupJson, renderLookupText, type GroupListing, type SyscallLookup } from './groups-output.js';
