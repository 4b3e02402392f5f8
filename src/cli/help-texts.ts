import type { Command } from 'commander';
import { TIME_FORMS } from './options.js';

/** One example command line and what it does. */
export interface HelpExample {
  command: string;
  does: string;
}

/**
 * Each command's examples, shown at the end of its `--help` and in the man page. A command
 * added without examples fails test/cli-manual.test.ts.
 */
export const HELP_EXAMPLES: Readonly<Record<string, readonly HelpExample[]>> = {
  explain: [
    { command: 'journalctl -k | seccomp-explain', does: 'the kernel log of this boot' },
    { command: 'seccomp-explain /var/log/audit/audit.log', does: 'auditd\'s log (explain is the default command)' },
    { command: 'ausearch -m SECCOMP | seccomp-explain --json', does: 'ausearch output, as one JSON document' },
    { command: 'seccomp-explain --since "2h ago" --exe \'*/mattermost\' kern.log kern.log.1.gz', does: 'one program, the last two hours' },
    { command: 'seccomp-explain explain --unit mattermost.service /var/log/audit/audit.log', does: 'and which unit setting blocked each call' },
  ],
  suggest: [
    { command: 'journalctl -b | seccomp-explain suggest --write', does: 'find the unit, write the drop-in that fixes it' },
    { command: 'seccomp-explain suggest --unit mattermost.service /var/log/audit/audit.log', does: 'show, for a unit named here' },
    { command: 'seccomp-explain suggest --systemd-version 252 --unit-file saved-systemctl-cat.txt journal.txt', does: 'offline, for another host\'s unit' },
    { command: 'seccomp-explain suggest --from-db --unit mattermost.service', does: 'from every denial in the history store' },
  ],
  run: [
    { command: 'sudo seccomp-explain run --unit-file mattermost.service -- ./bin/mattermost version', does: 'every call the unit\'s filter would deny, in one run' },
    { command: 'sudo seccomp-explain run --unit mattermost.service -- go test ./...', does: 'the live unit\'s filter, over a test suite' },
    { command: 'sudo seccomp-explain run --filter @system-service --filter \'~@debug @privileged @resources\' -- ./app', does: 'a filter given as SystemCallFilter= lines' },
    { command: 'sudo seccomp-explain run --enforce --errno EPERM --filter \'@basic-io @file-system\' -- ls /', does: 'enforced: refused calls fail with EPERM' },
    { command: 'sudo -E seccomp-explain run --unit-file app.service --baseline last.json --json now.json --junit report.xml -- make test', does: 'a CI gate: fail only on calls not in last.json' },
  ],
  learn: [
    { command: 'sudo seccomp-explain learn start mattermost.service', does: 'its filter logs instead of denying (daemon-reload, restart: asks; --yes)' },
    { command: 'seccomp-explain learn status', does: 'what each learning unit logged so far' },
    { command: 'sudo seccomp-explain learn stop mattermost.service --write', does: 'enforcing again, with the drop-in for what it logged' },
  ],
  doctor: [
    { command: 'sudo seccomp-explain doctor', does: 'would a seccomp kill of any program be logged here?' },
    { command: 'sudo seccomp-explain doctor --unit mattermost.service', does: 'and a denial of this unit, with its settings' },
    { command: 'seccomp-explain doctor --unit-file ./mattermost.service --json', does: 'a unit file from elsewhere, as JSON' },
  ],
  groups: [
    { command: 'seccomp-explain groups', does: 'every group, fully expanded' },
    { command: 'seccomp-explain groups @resources --systemd-version 252', does: 'one group, as systemd 252 has it' },
  ],
  lookup: [
    { command: 'seccomp-explain lookup setrlimit', does: 'its numbers on every ABI, its groups in each bundled systemd' },
    { command: 'seccomp-explain lookup 75 --abi i386', does: 'a number as an i386 record logs it' },
  ],
  ingest: [
    { command: 'seccomp-explain ingest /var/log/audit/audit.log /var/log/audit/audit.log.1', does: 'store every denial, each event once' },
    { command: 'journalctl -b -o json | seccomp-explain ingest --unit mattermost.service', does: 'and record the unit they came from' },
  ],
  report: [
    { command: 'seccomp-explain report --since yesterday --exe \'*/mattermost\'', does: 'the stored denials of one program since yesterday' },
    { command: 'seccomp-explain report --unit mattermost.service --json', does: 'those ingested with --unit, as explain --json' },
  ],
  watch: [
    { command: 'seccomp-explain watch /var/log/audit/audit.log', does: 'follow it like tail -F, print each new denial' },
    { command: 'seccomp-explain watch', does: 'the same over journalctl -f -o json -b' },
  ],
  completion: [
    { command: 'seccomp-explain completion bash > /etc/bash_completion.d/seccomp-explain', does: 'bash' },
    { command: 'seccomp-explain completion zsh > "${fpath[1]}/_seccomp-explain"', does: 'zsh' },
    { command: 'seccomp-explain completion fish > ~/.config/fish/completions/seccomp-explain.fish', does: 'fish' },
  ],
};

/** What the top-level help says after the command list. */
export const DEFAULT_COMMAND_NOTE = 'explain is the default command: "seccomp-explain FILE…" is "seccomp-explain explain FILE…", and with no command it reads standard input (or, on a terminal, this host\'s logs).';

/** The paragraph on the times `--since` and `--until` take, for the commands that have them. */
export const TIME_FORMS_NOTE = `Times for --since and --until: ${TIME_FORMS}.`;

/** Whether a command takes `--since`. */
export function takesTimes(command: Command): boolean {
  return command.options.some((option) => option.long === '--since');
}

/** A paragraph folded at `width` columns, as commander folds its own help. */
function folded(text: string, width = 80): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.join('\n');
}

function examplesText(examples: readonly HelpExample[]): string {
  return ['Examples:', ...examples.map(({ command, does }) => `  $ ${command}\n      ${does}`)].join('\n');
}

/** Adds the examples, the time forms and the default command's note to the commands' `--help`. */
export function addHelpTexts(program: Command): void {
  program.addHelpText('after', `\n${folded(DEFAULT_COMMAND_NOTE)}\n\n${examplesText(HELP_EXAMPLES['explain'] ?? [])}\n\nEach command's --help; man seccomp-explain.`);
  for (const command of program.commands) {
    const parts: string[] = [];
    if (takesTimes(command)) parts.push(folded(TIME_FORMS_NOTE));
    const examples = HELP_EXAMPLES[command.name()];
    if (examples) parts.push(examplesText(examples));
    if (parts.length > 0) command.addHelpText('after', `\n${parts.join('\n\n')}`);
  }
}
