/**
 * Multi-line documents as single lines, before the line prefilter: the forms a fleet's log
 * pipeline stores that are not one record a line. `journalctl -o json-pretty`, pretty-printed
 * Auditbeat documents, an Elasticsearch / OpenSearch search response (each `hits.hits[]`
 * element), a JSON array of documents, and `journalctl -o export` (what systemd-journal-remote
 * speaks) each become one compact JSON line per document, which the record reader reads like
 * any other JSON line. Every other input passes through untouched.
 *
 * How a source is read is told once, from its first bytes: `{` or `[{` is JSON, a first line
 * `FIELD=value` with an upper-case journal field name is the export format, anything else is
 * lines. A JSON source whose first document is a one-line object is newline-delimited JSON
 * and is passed through as lines from then on (no byte of it is looked at again here).
 *
 * Bounded: a document is buffered up to `maxDocumentBytes` (compacted); a longer one is
 * skipped, and counted through `onOverlong` when it held a record marker. Linear: each byte
 * is looked at once, each kept byte copied once more when its document is handed on.
 */

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const EQUALS = 0x3d;

/** How many leading bytes are looked at, at most, to tell a source's form. */
const SNIFF_BYTES = 4096;

export type DocumentForm = 'lines' | 'json' | 'journal-export';

/** A journal field name as the export format writes it: upper case, digits, underscores. */
const EXPORT_FIRST_LINE = /^_{0,2}[A-Z][A-Z0-9_]*=/;

/**
 * The form of a source from its first bytes, or null when they do not yet tell (no
 * non-blank byte, or a journal field name not yet ended by `=` or a newline).
 */
export function documentFormOf(head: Buffer, complete: boolean): DocumentForm | null {
  let at = 0;
  while (at < head.length && (head[at] === SPACE || head[at] === TAB || head[at] === NEWLINE || head[at] === CARRIAGE_RETURN)) at++;
  if (at === head.length) return complete ? 'lines' : null;
  const first = head[at] as number;
  if (first === OPEN_BRACE) return 'json';
  if (first === OPEN_BRACKET) {
    // A JSON array of documents, `[{`; anything else in brackets is a line's stamp (`[  188.335115]`, dmesg -T).
    let next = at + 1;
    while (next < head.length && (head[next] === SPACE || head[next] === TAB || head[next] === NEWLINE || head[next] === CARRIAGE_RETURN)) next++;
    if (next === head.length) return complete || next - at > 256 ? 'lines' : null;
    return head[next] === OPEN_BRACE ? 'json' : 'lines';
  }
  const isUpper = first >= 0x41 && first <= 0x5a;
  if (!isUpper && first !== 0x5f) return 'lines';
  const lineEnd = head.indexOf(NEWLINE, at);
  const equals = head.indexOf(EQUALS, at);
  if (equals !== -1 && (lineEnd === -1 || equals < lineEnd)) {
    return EXPORT_FIRST_LINE.test(head.subarray(at, equals + 1).toString('latin1')) ? 'journal-export' : 'lines';
  }
  if (lineEnd !== -1 || complete || head.length - at >= 256) return 'lines';
  return null;
}

export interface DocumentFramerOptions {
  /** Longest document kept, compacted; a longer one is skipped. */
  maxDocumentBytes: number;
  /** Byte strings that make a skipped document count as a skipped record. */
  markers: readonly Buffer[];
  /** Told of each skipped document that held a marker. */
  onOverlong: () => void;
}

/** A growing byte buffer with a hard cap: past it, `overflowed` and nothing more is kept. */
class CappedBytes {
  private bytes: Buffer;
  length = 0;
  overflowed = false;

  constructor(private readonly cap: number) {
    this.bytes = Buffer.allocUnsafe(Math.min(cap, 4096));
  }

  push(byte: number): void {
    if (this.overflowed) return;
    if (this.length === this.cap) {
      this.overflowed = true;
      return;
    }
    if (this.length === this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.min(this.cap, this.bytes.length * 2));
      this.bytes.copy(grown, 0, 0, this.length);
      this.bytes = grown;
    }
    this.bytes[this.length++] = byte;
  }

  pushAll(data: Buffer, start: number, end: number): void {
    if (this.overflowed) return;
    if (this.length + (end - start) > this.cap) {
      this.overflowed = true;
      return;
    }
    for (let at = start; at < end; at++) this.push(data[at] as number);
  }

  view(): Buffer {
    return this.bytes.subarray(0, this.length);
  }

  reset(): void {
    this.length = 0;
    this.overflowed = false;
  }
}

/** Watches skipped bytes for a marker, across chunk boundaries (a short tail is kept). */
class MarkerWatch {
  seen = false;
  private tail: Buffer = Buffer.alloc(0);
  private readonly keep: number;

  constructor(private readonly markers: readonly Buffer[]) {
    this.keep = Math.max(0, ...markers.map((marker) => marker.length - 1));
  }

  look(data: Buffer): void {
    if (this.seen || data.length === 0) return;
    const window = this.tail.length > 0 ? Buffer.concat([this.tail, data]) : data;
    this.seen = this.markers.some((marker) => window.indexOf(marker) !== -1);
    this.tail = Buffer.from(window.subarray(Math.max(0, window.length - this.keep)));
  }

  reset(): void {
    this.seen = false;
    this.tail = Buffer.alloc(0);
  }
}

/** The JSON framer's position in the structure around the documents it hands on. */
interface JsonState {
  depth: number;
  inString: boolean;
  escaped: boolean;
  /** Depth at which the document in progress opened, or -1. */
  documentDepth: number;
  /** Depth of the elements of an array being unwrapped (a top-level array, `hits.hits`), or -1. */
  unwrapDepth: number;
  /** Whether the source has had a newline yet (the first document on one line makes it NDJSON). */
  sawNewline: boolean;
  documentsSeen: number;
  /** The last string closed at depth 1 and 2 (only short ones: keys such as `hits`), and the key in force. */
  stringBytes: number[];
  stringDepth: number;
  lastString: (string | null)[];
  keys: (string | null)[];
  /** Whether the document in progress is being skipped for its size. */
  skipping: boolean;
}

export class DocumentFramer {
  private form: DocumentForm | null = null;
  private head: Buffer = Buffer.alloc(0);
  private readonly document: CappedBytes;
  private readonly watch: MarkerWatch;
  private readonly json: JsonState = {
    depth: 0, inString: false, escaped: false, documentDepth: -1, unwrapDepth: -1, sawNewline: false, documentsSeen: 0,
    stringBytes: [], stringDepth: -1, lastString: [null, null, null], keys: [null, null, null], skipping: false,
  };
  private readonly entry: JournalExportEntry;

  constructor(private readonly options: DocumentFramerOptions) {
    this.document = new CappedBytes(options.maxDocumentBytes);
    this.watch = new MarkerWatch(options.markers);
    this.entry = new JournalExportEntry(options);
  }

  /** The form the source was read as; null until its first bytes told. */
  get sourceForm(): DocumentForm | null {
    return this.form;
  }

  /** The bytes to read as lines for this chunk (the chunk itself for a line source). */
  frame(chunk: Buffer): Buffer | null {
    if (this.form === null) {
      this.head = Buffer.concat([this.head, chunk]);
      this.form = documentFormOf(this.head, this.head.length >= SNIFF_BYTES);
      if (this.form === null) return null;
      const head = this.head;
      this.head = Buffer.alloc(0);
      return this.frameKnown(head);
    }
    return this.frameKnown(chunk);
  }

  /** Ends the source: what is left of a line source, or a last export entry without its blank line. */
  finish(): Buffer | null {
    if (this.form === null) {
      this.form = documentFormOf(this.head, true);
      const head = this.head;
      this.head = Buffer.alloc(0);
      const framed = head.length > 0 ? this.frameKnown(head) : null;
      const last = this.form === 'journal-export' ? this.entry.finish() : null;
      return framed && last ? Buffer.concat([framed, last]) : framed ?? last;
    }
    return this.form === 'journal-export' ? this.entry.finish() : null;
  }

  private frameKnown(chunk: Buffer): Buffer | null {
    if (this.form === 'lines') return chunk;
    if (this.form === 'journal-export') return this.entry.frame(chunk);
    return this.frameJson(chunk);
  }

  private endDocument(out: Buffer[]): void {
    if (this.json.skipping || this.document.overflowed) {
      if (this.watch.seen || this.options.markers.some((marker) => this.document.view().indexOf(marker) !== -1)) this.options.onOverlong();
    } else {
      const line = Buffer.allocUnsafe(this.document.length + 1);
      this.document.view().copy(line);
      line[this.document.length] = NEWLINE;
      out.push(line);
    }
    this.document.reset();
    this.watch.reset();
    this.json.skipping = false;
    this.json.documentDepth = -1;
  }

  private frameJson(chunk: Buffer): Buffer | null {
    const state = this.json;
    const out: Buffer[] = [];
    let skipFrom = state.skipping ? 0 : -1;
    for (let at = 0; at < chunk.length; at++) {
      const byte = chunk[at] as number;
      const inDocument = state.documentDepth !== -1;
      if (inDocument && !state.skipping) {
        this.document.push(byte);
        if (this.document.overflowed) {
          state.skipping = true;
          this.watch.look(this.document.view());
          skipFrom = at;
        }
      }
      if (state.inString) {
        if (state.escaped) state.escaped = false;
        else if (byte === BACKSLASH) state.escaped = true;
        else if (byte === QUOTE) {
          state.inString = false;
          if (state.stringDepth >= 1 && state.stringDepth <= 2) state.lastString[state.stringDepth] = Buffer.from(state.stringBytes).toString('latin1');
          state.stringDepth = -1;
        } else if (byte === NEWLINE && inDocument && !state.skipping) {
          // A raw newline inside a string (not JSON): kept as its escape, so the line stays one.
          this.document.length--;
          this.document.push(BACKSLASH);
          this.document.push(0x6e);
        }
        if (state.inString && state.stringDepth !== -1 && state.stringBytes.length < 16) state.stringBytes.push(byte);
        continue;
      }
      if (byte === NEWLINE) state.sawNewline = true;
      if (byte === SPACE || byte === TAB || byte === NEWLINE || byte === CARRIAGE_RETURN) {
        if (inDocument && !state.skipping) this.document.length--;
        continue;
      }
      if (byte === QUOTE) {
        state.inString = true;
        state.stringDepth = state.depth;
        state.stringBytes.length = 0;
        continue;
      }
      if (byte === COLON) {
        if (state.depth >= 1 && state.depth <= 2) state.keys[state.depth] = state.lastString[state.depth] ?? null;
        continue;
      }
      if (byte === OPEN_BRACE || byte === OPEN_BRACKET) {
        const opening = state.depth;
        if (!inDocument && byte === OPEN_BRACE && (opening === 0 || opening === state.unwrapDepth)) {
          state.documentDepth = opening;
          this.document.reset();
          this.document.push(byte);
        } else if (opening === 0 && byte === OPEN_BRACKET) {
          state.unwrapDepth = 1;
        } else if (opening === 2 && byte === OPEN_BRACKET && state.documentDepth === 0 && state.keys[1] === 'hits' && state.keys[2] === 'hits') {
          // A search response: its hits are the documents, the response around them is dropped.
          this.document.reset();
          this.watch.reset();
          state.skipping = false;
          state.documentDepth = -1;
          state.unwrapDepth = 3;
        }
        state.depth++;
        if (state.depth <= 2) state.keys[state.depth] = null;
        continue;
      }
      if (byte === CLOSE_BRACE || byte === CLOSE_BRACKET) {
        state.depth = Math.max(0, state.depth - 1);
        if (byte === CLOSE_BRACKET && state.depth + 1 === state.unwrapDepth) state.unwrapDepth = -1;
        if (state.documentDepth !== -1 && state.depth === state.documentDepth) {
          if (state.skipping) this.watch.look(chunk.subarray(Math.max(0, skipFrom), at + 1));
          skipFrom = -1;
          const oneLine = state.documentsSeen === 0 && state.depth === 0 && !state.sawNewline && !state.skipping;
          if (oneLine) {
            // Newline-delimited JSON: the rest of the source is lines, from the first one's newline on.
            this.form = 'lines';
            out.push(Buffer.from(this.document.view()), chunk.subarray(at + 1));
            this.document.reset();
            state.documentDepth = -1;
            break;
          }
          this.endDocument(out);
          state.documentsSeen++;
        }
      }
    }
    if (state.skipping && skipFrom !== -1) this.watch.look(chunk.subarray(skipFrom));
    if (out.length === 0) return null;
    return out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
  }
}

/**
 * `journalctl -o export`: `FIELD=value` lines, a field whose value is not text as its name,
 * a newline, its length (64-bit little-endian) and its bytes, then a newline; a blank line
 * ends an entry. Each entry becomes the JSON line `journalctl -o json` would print for it:
 * a value that is UTF-8 text without control bytes as a string, any other as an array of bytes;
 * the first value of a repeated field.
 */
class JournalExportEntry {
  private readonly fields = new Map<string, Buffer>();
  private size = 0;
  private skipping = false;
  private readonly watch: MarkerWatch;
  /** The line being read (a `FIELD=value` or a binary field's name). */
  private readonly line: CappedBytes;
  /** A binary field: its name, the length bytes read so far, how many data bytes remain. */
  private binaryName: string | null = null;
  private readonly lengthBytes: number[] = [];
  private remaining = -1;
  private readonly binaryData: CappedBytes;

  constructor(private readonly options: DocumentFramerOptions) {
    this.watch = new MarkerWatch(options.markers);
    this.line = new CappedBytes(options.maxDocumentBytes);
    this.binaryData = new CappedBytes(options.maxDocumentBytes);
  }

  frame(chunk: Buffer): Buffer | null {
    const out: Buffer[] = [];
    let at = 0;
    while (at < chunk.length) {
      if (this.binaryName !== null) {
        if (this.lengthBytes.length < 8) {
          this.lengthBytes.push(chunk[at++] as number);
          if (this.lengthBytes.length === 8) {
            let length = 0;
            for (let index = 7; index >= 0; index--) length = length * 256 + (this.lengthBytes[index] as number);
            this.remaining = length;
            this.binaryData.reset();
          }
          continue;
        }
        if (this.remaining > 0) {
          const take = Math.min(this.remaining, chunk.length - at);
          const piece = chunk.subarray(at, at + take);
          if (this.binaryData.length + take > this.options.maxDocumentBytes) this.watch.look(piece);
          this.binaryData.pushAll(chunk, at, at + take);
          this.remaining -= take;
          at += take;
          continue;
        }
        // The newline after the data.
        if (chunk[at] === NEWLINE) at++;
        this.addField(this.binaryName, this.binaryData.overflowed ? null : Buffer.from(this.binaryData.view()));
        this.binaryName = null;
        this.lengthBytes.length = 0;
        this.remaining = -1;
        continue;
      }
      const newline = chunk.indexOf(NEWLINE, at);
      const end = newline === -1 ? chunk.length : newline;
      if (this.line.length + (end - at) > this.options.maxDocumentBytes) this.watch.look(chunk.subarray(at, end));
      this.line.pushAll(chunk, at, end);
      if (newline === -1) break;
      at = newline + 1;
      this.endLine(out);
    }
    if (out.length === 0) return null;
    return out.length === 1 ? (out[0] as Buffer) : Buffer.concat(out);
  }

  finish(): Buffer | null {
    const out: Buffer[] = [];
    if (this.line.length > 0) this.endLine(out);
    if (this.fields.size > 0 || this.skipping) this.endEntry(out);
    return out.length === 0 ? null : Buffer.concat(out);
  }

  private endLine(out: Buffer[]): void {
    const overflowed = this.line.overflowed;
    let text = this.line.view();
    if (text.length > 0 && text[text.length - 1] === CARRIAGE_RETURN) text = text.subarray(0, text.length - 1);
    this.line.reset();
    if (text.length === 0 && !overflowed) {
      this.endEntry(out);
      return;
    }
    if (overflowed) {
      this.skipping = true;
      return;
    }
    const equals = text.indexOf(EQUALS);
    if (equals === -1) {
      this.binaryName = text.toString('latin1');
      this.lengthBytes.length = 0;
      return;
    }
    this.addField(text.subarray(0, equals).toString('latin1'), Buffer.from(text.subarray(equals + 1)));
  }

  private addField(name: string, value: Buffer | null): void {
    if (value === null) {
      this.skipping = true;
      return;
    }
    if (this.skipping) {
      this.watch.look(value);
      return;
    }
    this.size += name.length + value.length + 8;
    if (this.size > this.options.maxDocumentBytes) {
      this.skipping = true;
      for (const kept of this.fields.values()) this.watch.look(kept);
      this.watch.look(value);
      this.fields.clear();
      return;
    }
    if (!this.fields.has(name)) this.fields.set(name, value);
  }

  private endEntry(out: Buffer[]): void {
    if (this.skipping) {
      if (this.watch.seen) this.options.onOverlong();
    } else if (this.fields.size > 0) {
      const entry: Record<string, string | number[]> = {};
      for (const [name, value] of this.fields) entry[name] = journalValue(value);
      out.push(Buffer.from(`${JSON.stringify(entry)}\n`));
    }
    this.fields.clear();
    this.size = 0;
    this.skipping = false;
    this.watch.reset();
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** A field's value as `journalctl -o json` prints it: text, or an array of bytes. */
function journalValue(value: Buffer): string | number[] {
  for (const byte of value) {
    if ((byte < 0x20 && byte !== TAB) || byte === 0x7f) return [...value];
  }
  try {
    return UTF8.decode(value);
  } catch {
    return [...value];
  }
}
