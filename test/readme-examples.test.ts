import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, runCli } from './support/run.js';

const README = readFileSync(join(REPO, 'README.md'), 'utf8');

const OTHER_COMMANDS: ReadonlySet<string> = new Set(['suggest', 'run', 'learn', 'doctor', 'groups', 'lookup', 'ingest', 'report', 'watch', 'completion']);

/**
 * The README's indented examples of `$ seccomp-explain ARGS…` with the output under them (up to
 * the blank line): the command line and the text, as a reader sees them.
 */
function explainExamples(): { args: string[]; output: string }[] {
  const examples: { args: string[]; output: string }[] = [];
  const pattern = /^ {4}\$ seccomp-explain ([^\n|<>]*)\n((?: {4}[^\n]*\n)*)/gm;
  for (const match of README.matchAll(pattern)) {
    const args = (match[1] as string).trim().split(/\s+/);
    // explain's (the default command's): other commands' examples shorten their output with `…`.
    if (OTHER_COMMANDS.has(args[0] as string)) continue;
    const output = (match[2] as string).split('\n').map((line) => line.slice(4)).join('\n');
    examples.push({ args, output });
  }
  return examples;
}

describe('the README\'s explain examples print what the README shows', () => {
  const examples = explainExamples();

  it('has the opening example', () => {
    expect(examples.map((example) => example.args.join(' '))).toContain('fixtures/reported/mattermost-setrlimit.log');
  });

  for (const { args, output } of examples) {
    it(`seccomp-explain ${args.join(' ')}`, () => {
      const result = runCli(args.map((arg) => (arg.startsWith('fixtures/') ? join(REPO, arg) : arg)));
      expect(result.stdout).toBe(output);
    });
  }
});
