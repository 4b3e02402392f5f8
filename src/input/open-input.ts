import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

/** Where log bytes come from: a named file, or standard input (`-`). */
export interface InputSource {
  /** What to call it in messages: the path, or `standard input`. */
  label: string;
  path: string | null;
  /** Opens a source that is neither a file nor standard input (a command's output). */
  open?: () => Readable;
}

export const READ_CHUNK_BYTES = 4 * 1024 * 1024;

export function fileSource(path: string): InputSource {
  return path === '-' ? stdinSource() : { label: path, path };
}

export function stdinSource(): InputSource {
  return { label: 'standard input', path: null };
}

/** An input that cannot be read, with the reason in words a user can act on. */
export class InputError extends Error {
  constructor(readonly source: InputSource, message: string) {
    super(`${source.label}: ${message}`);
    this.name = 'InputError';
  }
}

function describeReadError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT': return 'no such file';
    case 'EACCES': case 'EPERM': return 'permission denied (audit logs are usually readable by root only: try sudo)';
    case 'EISDIR': return 'is a directory';
    case 'Z_DATA_ERROR': case 'Z_BUF_ERROR': return `damaged gzip data (${error.message})`;
    default: return error.message;
  }
}

function isGzip(head: Buffer): boolean {
  return head[0] === 0x1f && head[1] === 0x8b;
}

async function* chunksFrom(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield head;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}

async function* sniffAndDecompress(stream: Readable): AsyncGenerator<Buffer> {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let head: Buffer = Buffer.alloc(0);
  while (head.length < 2) {
    const next = await chunks.next();
    if (next.done) {
      if (head.length > 0) yield head;
      return;
    }
    head = head.length === 0 ? next.value : Buffer.concat([head, next.value]);
  }
  if (!isGzip(head)) {
    yield* chunksFrom(head, chunks);
    return;
  }
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  const feeding = pipeline(Readable.from(chunksFrom(head, chunks)), gunzip);
  feeding.catch(() => undefined);
  yield* gunzip as AsyncIterable<Buffer>;
  await feeding;
}

/**
 * The bytes of a source, gunzipped when they are gzip-compressed (told by content, not name:
 * `kern.log.2.gz` and a gzip stream on stdin both work). Read errors become InputError.
 */
export async function* readInputBytes(source: InputSource, stdin: Readable = process.stdin): AsyncGenerator<Buffer> {
  const stream = source.open
    ? source.open()
    : source.path === null
      ? stdin
      : createReadStream(source.path, { highWaterMark: READ_CHUNK_BYTES });
  try {
    yield* sniffAndDecompress(stream);
  } catch (error) {
    throw new InputError(source, describeReadError(error as NodeJS.ErrnoException));
  } finally {
    if (stream !== stdin) stream.destroy();
  }
}
