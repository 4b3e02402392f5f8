import type { Finding } from '../systemd/index.js';
import { explainFinding } from './finding-reasons.js';
import { escapeForTerminal, PLAIN_PALETTE, type Palette } from './terminal-text.js';

/** What a finding says under its denial: the setting that blocked it, why, and the fix. */
export function attributionLines(finding: Finding, broader: string[] = [], palette: Palette = PLAIN_PALETTE): string[] {
  const lines: string[] = [];
  const via = finding.via === null ? null : escapeForTerminal(finding.via);
  const allow = escapeForTerminal(finding.allow ?? '');
  const explanation = escapeForTerminal(explainFinding(finding));
  switch (finding.cause) {
    case 'SystemCallFilter':
      lines.push(`  blocked by ${escapeForTerminal(finding.source ?? '?')} ${escapeForTerminal(finding.directive ?? '')}${via ? ` (through ${via})` : ''}`);
      lines.push(`  ${explanation}`);
      if (finding.allow !== null) lines.push(`  ${palette.fix(`fix: SystemCallFilter=${allow}`)}`);
      if (broader.length > 0 && via) {
        const shown = escapeForTerminal(broader.slice(0, 12).join(' '));
        lines.push(`  removing ${via} instead would also allow ${broader.length} other ${broader.length === 1 ? 'syscall' : 'syscalls'}: ${shown}${broader.length > 12 ? ' …' : ''}`);
      }
      break;
    case 'SystemCallArchitectures':
      lines.push(`  blocked by ${escapeForTerminal(finding.source ?? '?')} ${escapeForTerminal(finding.directive ?? '')}`);
      lines.push(`  ${explanation}`);
      lines.push(`  ${palette.fix(`fix: SystemCallArchitectures=${allow}`)} (the list is additive: what it admits now stays)`);
      break;
    default:
      lines.push(`  ${explanation}`);
  }
  return lines;
}
