export { renderExplanationText, renderDenialLine, describeSyscall, describeStats } from './explanation-text.js';
export { renderExplanationJson, renderDenialNdjson, type UnitAttribution } from './explanation-json.js';
export { escapeForTerminal, formatCount, formatTime, COLOUR_PALETTE, PLAIN_PALETTE, type Palette } from './terminal-text.js';
export { renderSuggestionText, renderSuggestionJson, dropInHeader, type SuggestionReport } from './suggestion-output.js';
