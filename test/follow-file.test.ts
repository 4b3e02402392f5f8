import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { followFile } from '../src/input/index.js';
import { temporaryDirectories } from './support/run.js';

const temporaryDirectory = temporaryDirectories('follow');

/** Reads what followFile yields until `until` holds, doing `steps` in turn whenever it waits. */
async function follow(path: string, steps: (() => void)[], until: (text: string) => boolean): Promise<string> {
  const controller = new AbortController();
  let text = '';
  const timer = setInterval(() => {
    const step = steps.shift();
    if (step) step();
  }, 60);
  const deadline = setTimeout(() => controller.abort(), 10_000);
  try {
    for await (const chunk of followFile(path, controller.signal, 20)) {
      text += chunk.toString();
      if (until(text)) controller.abort();
    }
  } finally {
    clearInterval(timer);
    clearTimeout(deadline);
  }
  return text;
}

describe('followFile, like tail -F', () => {
  it('reads what is there, then what is appended, across a rotation and a truncation', async () => {
    const directory = temporaryDirectory();
    const log = join(directory, 'audit.log');
    writeFileSync(log, 'one\n');
    const text = await follow(log, [
      () => appendFileSync(log, 'two\n'),
      () => {
        appendFileSync(log, 'three\n');
        renameSync(log, `${log}.1`);
        writeFileSync(log, 'four\n');
      },
      () => truncateSync(log, 0),
      () => writeFileSync(log, 'five\n'),
    ], (seen) => seen.includes('five\n'));
    expect(text).toBe('one\ntwo\nthree\nfour\nfive\n');
  });

  it('waits for a file that is not there yet', async () => {
    const directory = temporaryDirectory();
    const log = join(directory, 'later.log');
    expect(await follow(log, [() => writeFileSync(log, 'hello\n')], (seen) => seen.includes('hello'))).toBe('hello\n');
  });
});
