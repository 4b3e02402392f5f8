import { appendFileSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { followFile } from '../src/input/index.js';
import { temporaryDirectories } from './support/run.js';

const temporaryDirectory = temporaryDirectories('follow');

/**
 * Reads what followFile yields. Each time it has read all there is and waits, the next of
 * `steps` changes the file; when none is left, reading ends. No timer: each change is made
 * with nothing of the file unread, however slow the machine.
 */
async function follow(path: string, steps: (() => void)[]): Promise<string> {
  const controller = new AbortController();
  const waitForMore = async (): Promise<void> => {
    const step = steps.shift();
    if (step) step();
    else controller.abort();
  };
  let text = '';
  for await (const chunk of followFile(path, controller.signal, waitForMore)) text += chunk.toString();
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
      // As long as the line before it: only the truncation seen tells the reader to start over.
      () => writeFileSync(log, 'five\n'),
    ]);
    expect(text).toBe('one\ntwo\nthree\nfour\nfive\n');
  });

  it('waits for a file that is not there yet', async () => {
    const directory = temporaryDirectory();
    const log = join(directory, 'later.log');
    expect(await follow(log, [() => writeFileSync(log, 'hello\n')])).toBe('hello\n');
  });
});
