import { spawn } from 'node:child_process';
import { PassThrough, type Readable } from 'node:stream';
import type { InputSource } from './open-input.js';

/**
 * A source that is a command's standard output (`journalctl -k -o json`). The command runs
 * without a shell; a failure to start, or a non-zero exit, becomes a read error that names
 * the command and what it printed on stderr. When `signal` aborts, the command is stopped and
 * its output ends normally.
 */
export function commandSource(command: string, args: string[], signal?: AbortSignal): InputSource {
  const label = [command, ...args].join(' ');
  return {
    label,
    path: null,
    open(): Readable {
      const output = new PassThrough();
      const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let errorText = '';
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (text: string) => {
        if (errorText.length < 4096) errorText += text;
      });
      child.stdout.pipe(output, { end: false });
      child.on('error', (error: NodeJS.ErrnoException) => {
        output.destroy(Object.assign(new Error(error.code === 'ENOENT' ? `${command} is not installed` : error.message), { code: error.code }));
      });
      const stop = (): void => void child.kill();
      signal?.addEventListener('abort', stop, { once: true });
      child.on('close', (status) => {
        signal?.removeEventListener('abort', stop);
        // Stopped on purpose (`watch` ending): what was read is complete.
        if (status === 0 || signal?.aborted) output.end();
        else output.destroy(new Error(`${command} exited with status ${status}: ${errorText.trim().split('\n')[0] ?? ''}`));
      });
      output.on('close', () => {
        if (child.exitCode === null) child.kill();
      });
      return output;
    },
  };
}
