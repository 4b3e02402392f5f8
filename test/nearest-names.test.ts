import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { didYouMean, editDistance, nearestNames } from '../src/app/nearest-names.js';

describe('editDistance', () => {
  it.each([
    ['suggest', 'suggest', 0],
    ['sugest', 'suggest', 1],
    ['reprot', 'report', 1],
    ['setrlimt', 'setrlimit', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('%s → %s: %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });

  it('is symmetric, zero only for equal strings, at most the longer length, and stops past its limit', () => {
    fc.assert(fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), fc.nat(4), (a, b, limit) => {
      const distance = editDistance(a, b);
      expect(editDistance(b, a)).toBe(distance);
      expect(distance === 0).toBe(a === b);
      expect(distance).toBeLessThanOrEqual(Math.max(a.length, b.length));
      expect(editDistance(a, b, limit)).toBe(Math.min(distance, limit + 1));
    }));
  });
});

describe('nearestNames', () => {
  it('offers the nearest names within one edit in four letters, none when all are far', () => {
    expect(nearestNames('sugest', ['explain', 'suggest', 'groups'])).toEqual(['suggest']);
    expect(nearestNames('setuidd', ['setgid', 'setuid', 'setuid32'])).toEqual(['setuid']);
    expect(nearestNames('setuid', ['setgid', 'setsid', 'setuid32', 'getuid', 'setfsuid'])).toEqual(['setgid', 'setsid', 'getuid']);
    expect(nearestNames('xyz', ['explain', 'suggest'])).toEqual([]);
  });

  it('says them as a question', () => {
    expect(didYouMean([])).toBe('');
    expect(didYouMean(['suggest'])).toBe('; did you mean suggest?');
    expect(didYouMean(['a', 'b', 'c'])).toBe('; did you mean a, b or c?');
  });
});
