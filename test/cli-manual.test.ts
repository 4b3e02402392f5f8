import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { seccompExplainProgram } from '../src/cli/main.js';
import { REPO, runCli, temporaryDirectories } from './support/run.js';

const temporaryDirectory = temporaryDirectories('manual');
const program = seccompExplainProgram();
const commands = program.commands.map((command) => command.name());
const MANUAL = join(REPO, 'dist', 'man', 'seccomp-explain.1');

function longOptions(command: Command): string[] {
  return command.options.map((option) => option.long ?? option.flags);
}

/** Every command and its options, top level under ''. */
const tree: [string, string[]][] = [['', longOptions(program)], ...program.commands.map((command): [string, string[]] => [command.name(), longOptions(command)])];

describe('--help', () => {
  it.each(commands)('%s --help shows examples and no empty default', (name) => {
    const help = runCli([name, '--help']).stdout;
    expect(help).toMatch(new RegExp(`\nExamples:\n  \\$ [^\n]*seccomp-explain[^\n]*${name === 'explain' ? '' : ` ${name}`}`));
    expect(help).not.toContain('(default: [])');
    expect(help).not.toMatch(/\(default: "[a-z0-9_]+"\)/);
  });

  it('lists the time forms where --since is', () => {
    for (const name of ['explain', 'report']) {
      expect(runCli([name, '--help']).stdout).toContain('Times for --since and --until: 2023-03-16, "2023-03-16 14:12" and 11:00 (local');
    }
  });

  it('says at the top that explain is the default command', () => {
    const help = runCli(['--help']).stdout;
    expect(help).toContain('explain is the default command: "seccomp-explain FILE…" is "seccomp-explain\nexplain FILE…"');
    expect(help).toContain('  completion <shell>');
  });
});

describe('the man page, written by the build from the same definitions', () => {
  const manual = readFileSync(MANUAL, 'utf8');
  const roff = (text: string): string => text.replace(/-/g, '\\-');

  it('is what package.json installs', () => {
    const manifest = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { man: string[]; files: string[] };
    expect(manifest.man).toEqual(['dist/man/seccomp-explain.1']);
    expect(manifest.files).toContain('dist/man');
    expect(manual).toMatch(/^\.TH SECCOMP\\-EXPLAIN 1 /);
  });

  it.each(tree)('names command %j and every option of it', (name, options) => {
    if (name !== '') expect(manual).toContain(`.SS "seccomp\\-explain ${name} `);
    for (const option of options) expect(manual).toContain(roff(option));
  });

  it('renders with man, when man is installed', () => {
    const rendered = spawnSync('man', ['-l', MANUAL], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', MANWIDTH: '100', MAN_KEEP_FORMATTING: '' } });
    if (rendered.error) return;
    expect(rendered.stdout).toContain('seccomp-explain suggest [options] [files...]');
    expect(rendered.stdout).toContain('$ journalctl -b | seccomp-explain suggest --write');
  });
});

describe('seccomp-explain completion', () => {
  it.each(['bash', 'zsh', 'fish'])('%s names every command and option', (shell) => {
    const script = runCli(['completion', shell]).stdout;
    for (const [name, options] of tree) {
      if (name !== '') expect(script).toMatch(new RegExp(`\\b${name}\\b`));
      for (const option of options) expect(script).toContain(shell === 'fish' ? `-l ${option.replace(/^--/, '')} ` : option);
    }
  });

  it('refuses a shell it has no script for', () => {
    const result = runCli(['completion', 'tcsh']);
    expect(result.stderr).toBe('error: command-argument value \'tcsh\' is invalid for argument \'shell\'. Allowed choices are bash, zsh, fish.\n');
    expect(result.status).toBe(2);
  });

  it('completes commands, options and files in bash', () => {
    const directory = temporaryDirectory();
    const script = join(directory, 'seccomp-explain.bash');
    writeFileSync(script, runCli(['completion', 'bash']).stdout);
    writeFileSync(join(directory, 'journal.txt'), '');
    const complete = (...words: string[]): string => spawnSync('bash', ['-c',
      `source ${script}; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _seccomp_explain; printf '%s\\n' "\${COMPREPLY[@]}"`,
      'bash', 'seccomp-explain', ...words], { cwd: directory, encoding: 'utf8' }).stdout;
    expect(complete('su')).toBe('suggest\n');
    expect(complete('suggest', '--unit')).toBe('--unit\n--unit-file\n');
    expect(complete('suggest', '--unit-file', 'jo')).toBe('journal.txt\n');
    expect(complete('--nd')).toBe('--ndjson\n');
    expect(complete('completion', '')).toBe('bash\nzsh\nfish\n');
  });

  it.each([['zsh', '_seccomp-explain'], ['fish', 'seccomp-explain.fish']])('writes a %s script that %s parses, when that shell is installed', (shell, name) => {
    const script = join(temporaryDirectory(), name);
    writeFileSync(script, runCli(['completion', shell]).stdout);
    const checked = spawnSync(shell, ['-n', script], { encoding: 'utf8' });
    if (checked.error) return;
    expect(checked.stderr).toBe('');
    expect(checked.status).toBe(0);
  });

  it('completes commands, options and shells in fish, when fish is installed', () => {
    const script = join(temporaryDirectory(), 'seccomp-explain.fish');
    writeFileSync(script, runCli(['completion', 'fish']).stdout);
    const complete = (line: string): string => spawnSync('fish', ['--no-config', '-c', `source ${script}; complete -C '${line}'`], { encoding: 'utf8' }).stdout;
    if (spawnSync('fish', ['--version']).error) return;
    expect(complete('seccomp-explain sug')).toBe('suggest\tsay which unit setting blocked each denial, and the one drop-in that allows exactly those calls\n');
    expect(complete('seccomp-explain --nd')).toBe('--ndjson\tone JSON object per decoded event, for log pipelines\n');
    expect(complete('seccomp-explain completion ')).toBe('bash\nfish\nzsh\n');
  });
});
