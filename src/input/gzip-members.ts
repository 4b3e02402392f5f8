import * as zlib from 'node:zlib';

/**
 * Gzip decompression as `gzip -d` reads a file: member after member, trailing zero bytes
 * ignored, and everything decompressed before damage or trailing garbage kept. Node's own
 * Gunzip drops the output of the write in which it meets trailing garbage (a rotated log with
 * junk appended lost all its records), so the members are framed here and each member's
 * deflate data goes through an InflateRaw, which stops at the data's end and says how much
 * input it used.
 */

const CHUNK_BYTES = 256 * 1024;
/** Decompressed bytes held for the reader before the inflater is paused. */
const HELD_OUTPUT_BYTES = 4 * 1024 * 1024;
/** A header with a name or comment longer than this is taken for damage. */
const LONGEST_HEADER_BYTES = 1024 * 1024;
const TRAILER_BYTES = 8;
const FLAG_HEADER_CRC = 2;
const FLAG_EXTRA = 4;
const FLAG_NAME = 8;
const FLAG_COMMENT = 16;
const FLAGS_RESERVED = 0xe0;

/** zlib.crc32 came in Node 20.15; without it only the length in the trailer is checked. */
const crc32 = (zlib as { crc32?: (data: Buffer, value?: number) => number }).crc32;

function damaged(message: string, code = 'Z_DATA_ERROR'): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(message);
  error.code = code;
  return error;
}

/** The length of the member header at the start of `data`; 0 when more bytes are needed, -1 when it is no gzip header. */
function headerLength(data: Buffer): number {
  if (data.length >= 1 && data[0] !== 0x1f) return -1;
  if (data.length >= 2 && data[1] !== 0x8b) return -1;
  if (data.length >= 3 && data[2] !== 8) return -1;
  if (data.length >= 4 && ((data[3] as number) & FLAGS_RESERVED) !== 0) return -1;
  if (data.length < 10) return 0;
  const flags = data[3] as number;
  let at = 10;
  if (flags & FLAG_EXTRA) {
    if (data.length < at + 2) return 0;
    at += 2 + data.readUInt16LE(at);
  }
  for (const flag of [FLAG_NAME, FLAG_COMMENT]) {
    if (!(flags & flag)) continue;
    const end = data.indexOf(0, at);
    if (end === -1) return 0;
    at = end + 1;
  }
  if (flags & FLAG_HEADER_CRC) at += 2;
  return data.length >= at ? at : 0;
}

/** Input bytes not yet used, topped up from the source on demand. */
class PendingInput {
  bytes: Buffer;
  private done = false;

  constructor(head: Buffer, private readonly source: AsyncIterator<Buffer>) {
    this.bytes = head;
  }

  /** Reads one more chunk onto the pending bytes; false at the end of the input. */
  async more(): Promise<boolean> {
    if (this.done) return false;
    const next = await this.source.next();
    if (next.done) {
      this.done = true;
      return false;
    }
    this.bytes = this.bytes.length === 0 ? next.value : Buffer.concat([this.bytes, next.value]);
    return true;
  }

  /** Takes all pending bytes, reading a chunk first when none are pending; null at the end. */
  async take(): Promise<Buffer | null> {
    if (this.bytes.length === 0 && !(await this.more())) return null;
    const taken = this.bytes;
    this.bytes = Buffer.alloc(0);
    return taken;
  }
}

/** Whether the rest of the input is zero bytes (padding, which gzip ignores). */
async function onlyZerosRemain(input: PendingInput): Promise<boolean> {
  for (let rest = await input.take(); rest !== null; rest = await input.take()) {
    if (rest.some((byte) => byte !== 0)) return false;
  }
  return true;
}

/** One member's deflate data, decompressed; leaves the input just after it. Checks the trailer. */
async function* inflateMember(input: PendingInput): AsyncGenerator<Buffer> {
  const inflater = zlib.createInflateRaw({ chunkSize: CHUNK_BYTES });
  const output: Buffer[] = [];
  let heldBytes = 0;
  let failure: Error | null = null;
  let ended = false;
  let wake: (() => void) | null = null;
  const notify = (): void => {
    wake?.();
    wake = null;
  };
  inflater.on('data', (data: Buffer) => {
    output.push(data);
    heldBytes += data.length;
    if (heldBytes >= HELD_OUTPUT_BYTES) inflater.pause();
    notify();
  });
  inflater.on('error', (error: Error) => {
    failure = error;
    notify();
  });
  inflater.on('end', () => {
    ended = true;
    notify();
  });

  // Writes input until the inflater leaves some unused: its deflate data ended there.
  const feeding = (async (): Promise<void> => {
    let written = 0;
    for (;;) {
      const piece = await input.take();
      if (piece === null) {
        inflater.end();
        return;
      }
      written += piece.length;
      await new Promise<void>((resolve) => inflater.write(piece, () => resolve()));
      if (failure) return;
      const unused = written - inflater.bytesWritten;
      if (unused > 0) {
        input.bytes = piece.subarray(piece.length - unused);
        inflater.end();
        return;
      }
    }
  })();

  let crc = 0;
  let length = 0;
  try {
    for (;;) {
      if (output.length > 0) {
        const taken = output.splice(0);
        heldBytes = 0;
        inflater.resume();
        for (const data of taken) {
          if (crc32) crc = crc32(data, crc);
          length = (length + data.length) >>> 0;
          yield data;
        }
        continue;
      }
      if (failure) throw failure;
      if (ended) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
    await feeding;
  } finally {
    inflater.destroy();
  }
  while (input.bytes.length < TRAILER_BYTES && (await input.more()));
  if (input.bytes.length < TRAILER_BYTES) throw damaged('unexpected end of file', 'Z_BUF_ERROR');
  if (crc32 && input.bytes.readUInt32LE(0) !== crc >>> 0) throw damaged('incorrect data check');
  if (input.bytes.readUInt32LE(4) !== length) throw damaged('incorrect length check');
  input.bytes = input.bytes.subarray(TRAILER_BYTES);
}

/**
 * The decompressed bytes of gzip input that starts with `head` and goes on with `rest`. Throws
 * (after yielding all it could decompress) on damage, a truncated end, or trailing bytes that
 * are neither another member nor zeros; the error's code is `Z_DATA_ERROR`, `Z_BUF_ERROR` or
 * `GZIP_TRAILING_GARBAGE`.
 */
export async function* gunzipMembers(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  const input = new PendingInput(head, rest);
  for (let member = 0; ; member++) {
    if (member > 0 && input.bytes.length === 0 && !(await input.more())) return;
    let length = headerLength(input.bytes);
    while (length === 0 && input.bytes.length <= LONGEST_HEADER_BYTES && (await input.more())) length = headerLength(input.bytes);
    if (length <= 0) {
      if (member > 0 && length === -1) {
        if (await onlyZerosRemain(input)) return;
        throw damaged('trailing garbage after the compressed data', 'GZIP_TRAILING_GARBAGE');
      }
      throw length === 0 ? damaged('unexpected end of file', 'Z_BUF_ERROR') : damaged('incorrect header check');
    }
    input.bytes = input.bytes.subarray(length);
    yield* inflateMember(input);
  }
}
