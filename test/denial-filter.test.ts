import { describe, expect, it } from 'vitest';
import { globMatcher } from '../src/analysis/denial-filter.js';

describe('--exe and --comm patterns', () => {
  it('match whole names, * any run (slashes too), ? any one character', () => {
    const cases: [string, string, boolean][] = [
      ['/usr/bin/curl', '/usr/bin/curl', true],
      ['/usr/bin/curl', '/usr/bin/curl2', false],
      ['*/bin/*d', '/usr/sbin/sshd', false],
      ['*/bin/*d', '/usr/bin/sshd', true],
      ['*/bin/*d', '/bin/d', true],
      ['*curl', '/usr/bin/curl', true],
      ['curl*', '/usr/bin/curl', false],
      ['*', '', true],
      ['?', '', false],
      ['c?rl', 'curl', true],
      ['c?rl', 'crl', false],
      ['*a*b*c', 'xaybzc', true],
      ['*a*b*c', 'xaybzcd', false],
      ['a**b', 'ab', true],
      ['*.[ch]', 'x.[ch]', true],
      ['*.[ch]', 'x.c', false],
      ['my app*', 'my app (deleted)', true],
      ['*?', '', false],
      ['?*', 'é', true],
    ];
    for (const [pattern, text, expected] of cases) expect(globMatcher(pattern)(text), `${pattern} ${text}`).toBe(expected);
    expect(globMatcher('*')(null)).toBe(false);
  });

  it('take time linear in the name, whatever the name (long hostile exe values)', () => {
    // Cost per byte of matching 2 KB and 16 KB names, each the least of several runs: a
    // backtracking search re-reads the rest of the name at every `/bin/`, so costs 8 times more.
    const costPerByte = (pattern: string, text: string): number => {
      const matches = globMatcher(pattern);
      const times = Math.max(1, Math.round(64 * 1024 / text.length));
      let least = Infinity;
      for (let repetition = 0; repetition < 5; repetition++) {
        const started = process.hrtime.bigint();
        for (let index = 0; index < times; index++) matches(text);
        least = Math.min(least, Number(process.hrtime.bigint() - started));
      }
      return least / (times * text.length);
    };
    for (const [pattern, fragment] of [['*/bin/*d', '/bin/x'], ['*a*b', 'ab.'], ['?*x*y', 'xx']] as const) {
      const name = (length: number): string => fragment.repeat(Math.ceil(length / fragment.length)).slice(0, length);
      costPerByte(pattern, name(2048));
      const ratio = costPerByte(pattern, name(16 * 1024)) / costPerByte(pattern, name(2048));
      expect(ratio, pattern).toBeLessThan(3);
    }
  });
});
