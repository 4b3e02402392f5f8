import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { gunzipMembers } from './gzip-members.js';

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
    case 'GZIP_TRAILING_GARBAGE': return 'trailing garbage after the gzip data, ignored; the gzip data was read';
    default: return error.message;
  }
}

/** Whether bytes start with the gzip magic number. */
export function isGzip(head: Buffer): boolean {
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
  yield* gunzipMembers(head, chunks);
}

async function* streamFrom(head: Buffer, rest: Readable): AsyncGenerator<Buffer> {
  yield head;
  yield* rest as AsyncIterable<Buffer>;
}

/**
 * A file's bytes. A regular file is read ahead into two buffers used in turn: the next chunk
 * is read (on libuv's thread pool) while the current one is scanned, and no buffer is
 * allocated per chunk; each chunk is valid only until the next one is asked for. Anything
 * else that has a name (a FIFO, `/dev/stdin`, `<(…)`) is read once, as a stream, from the one
 * handle: it cannot be opened twice. Gzip is told by the first bytes and decompressed.
 */
async function* fileBytes(path: string): AsyncGenerator<Buffer> {
  const handle = await open(path, 'r');
  try {
    const stream = (start?: number): Readable =>
      handle.createReadStream({ autoClose: false, highWaterMark: READ_CHUNK_BYTES, ...(start === undefined ? {} : { start }) });
    if (!(await handle.stat()).isFile()) {
      yield* sniffAndDecompress(stream());
      return;
    }
    const buffers: Buffer[] = [Buffer.allocUnsafe(READ_CHUNK_BYTES), Buffer.allocUnsafe(READ_CHUNK_BYTES)];
    let turn = 0;
    let position = 0;
    let pending = handle.read(buffers[0] as Buffer, 0, READ_CHUNK_BYTES, position);
    for (let first = true; ; first = false) {
      const { bytesRead, buffer } = await pending;
      if (bytesRead === 0) return;
      const chunk = buffer.subarray(0, bytesRead);
      position += bytesRead;
      if (first && isGzip(chunk)) {
        yield* sniffAndDecompress(Readable.from(streamFrom(Buffer.from(chunk), stream(position)), { objectMode: false }));
        return;
      }
      turn = 1 - turn;
      pending = handle.read(buffers[turn] as Buffer, 0, READ_CHUNK_BYTES, position);
      yield chunk;
    }
  } finally {
    await handle.close();
  }
}

/**
 * The bytes of a source, gunzipped when they are gzip-compressed (told by content, not name:
 * `kern.log.2.gz` and a gzip stream on stdin both work). Read errors become InputError.
 * A chunk may be a view of a reused buffer: consume it before asking for the next.
 */
export async function* readInputBytes(source: InputSource, stdin: Readable = process.stdin): AsyncGenerator<Buffer> {
  try {
    if (source.open) yield* sniffAndDecompress(source.open());
    else if (source.path === null) yield* sniffAndDecompress(stdin);
    else yield* fileBytes(source.path);
  } catch (error) {
    throw new InputError(source, describeReadError(error as NodeJS.ErrnoException));
  }
}
