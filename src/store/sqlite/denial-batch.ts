import type { Denial, SeccompAction } from '../../decode/index.js';
import type { DenialSequence } from './denial-store.js';
import type { RecordFormat } from '../../records/index.js';

/**
 * Denials packed to cross to the store's writer thread (store-writer-thread.ts) for little
 * more than the copy of their bytes: numbers in one typed array, the few distinct strings of
 * a batch (programs, hosts, codes…) once each with every use a number, and the lines in one
 * string. Posting Denial objects as they are costs several microseconds each in structured
 * cloning on both threads, as much as storing them (docs/store.md, "Writer thread").
 */
export interface DenialBatch {
  count: number;
  /** NUMBERS_PER_DENIAL numbers of each denial in turn; NaN for null. */
  numbers: Float64Array;
  /** REFERENCES_PER_DENIAL of each denial in turn: indexes into `words` (-1 for null) and flags. */
  references: Int32Array;
  words: string[];
  /** The denials' lines, one after another, and where each ends. */
  text: string;
  textEnds: Int32Array;
}

/**
 * Per denial, in this order: NUMBERS_PER_DENIAL numbers (time, serial, pid, uid, auid, nr),
 * then REFERENCES_PER_DENIAL references: host, comm, exe, user, arch, abi, syscall, action,
 * code, signal, ip and format as indexes into `words`, then timePrecise (0/1), compat
 * (-1/0/1) and notes (a word: their JSON). DenialBatchBuilder.add and PackedDenials.at
 * spell the order out field by field, so that every denial object gets the same shape.
 */
const NUMBERS_PER_DENIAL = 6;
const REFERENCES_PER_DENIAL = 15;
const NO_VALUE = -1;

/** The buffers a batch can hand over instead of copying (postMessage's transfer list). */
export function transferables(batch: DenialBatch): ArrayBuffer[] {
  return [batch.numbers.buffer as ArrayBuffer, batch.references.buffer as ArrayBuffer, batch.textEnds.buffer as ArrayBuffer];
}

/**
 * Packs denials one at a time as they are decoded, so that none is kept alive until a whole
 * batch is there: an object that outlives a few young-generation collections is copied by
 * each of them.
 */
export class DenialBatchBuilder {
  private count = 0;
  private numbers: Float64Array;
  private references: Int32Array;
  private textEnds: Int32Array;
  private words: string[] = [];
  private wordIndexes = new Map<string, number>();
  private texts: string[] = [];
  private textLength = 0;

  constructor(readonly capacity: number) {
    this.numbers = new Float64Array(capacity * NUMBERS_PER_DENIAL);
    this.references = new Int32Array(capacity * REFERENCES_PER_DENIAL);
    this.textEnds = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count >= this.capacity;
  }

  add(denial: Denial): void {
    if (this.full) throw new RangeError(`a denial batch holds at most ${this.capacity} denials`);
    const index = this.count++;
    const numbers = this.numbers;
    const number = index * NUMBERS_PER_DENIAL;
    numbers[number] = denial.time ?? Number.NaN;
    numbers[number + 1] = denial.serial ?? Number.NaN;
    numbers[number + 2] = denial.pid ?? Number.NaN;
    numbers[number + 3] = denial.uid ?? Number.NaN;
    numbers[number + 4] = denial.auid ?? Number.NaN;
    numbers[number + 5] = denial.nr ?? Number.NaN;
    const references = this.references;
    const reference = index * REFERENCES_PER_DENIAL;
    references[reference] = this.word(denial.host);
    references[reference + 1] = this.word(denial.comm);
    references[reference + 2] = this.word(denial.exe);
    references[reference + 3] = this.word(denial.user);
    references[reference + 4] = this.word(denial.arch);
    references[reference + 5] = this.word(denial.abi);
    references[reference + 6] = this.word(denial.syscall);
    references[reference + 7] = this.word(denial.action);
    references[reference + 8] = this.word(denial.code);
    references[reference + 9] = this.word(denial.signal);
    references[reference + 10] = this.word(denial.ip);
    references[reference + 11] = this.word(denial.format);
    references[reference + 12] = denial.timePrecise ? 1 : 0;
    references[reference + 13] = denial.compat === null ? NO_VALUE : denial.compat ? 1 : 0;
    references[reference + 14] = denial.notes.length === 0 ? NO_VALUE : this.word(JSON.stringify(denial.notes));
    this.texts.push(denial.text);
    this.textLength += denial.text.length;
    this.textEnds[index] = this.textLength;
  }

  /** The batch of the denials added since the last take; the builder starts a new one. */
  take(): DenialBatch {
    const count = this.count;
    const batch: DenialBatch = {
      count,
      numbers: this.numbers.subarray(0, count * NUMBERS_PER_DENIAL),
      references: this.references.subarray(0, count * REFERENCES_PER_DENIAL),
      words: this.words,
      text: this.texts.join(''),
      textEnds: this.textEnds.subarray(0, count),
    };
    this.count = 0;
    this.numbers = new Float64Array(this.capacity * NUMBERS_PER_DENIAL);
    this.references = new Int32Array(this.capacity * REFERENCES_PER_DENIAL);
    this.textEnds = new Int32Array(this.capacity);
    this.words = [];
    this.wordIndexes = new Map();
    this.texts = [];
    this.textLength = 0;
    return batch;
  }

  private word(text: string | null): number {
    if (text === null) return NO_VALUE;
    let index = this.wordIndexes.get(text);
    if (index === undefined) {
      index = this.words.push(text) - 1;
      this.wordIndexes.set(text, index);
    }
    return index;
  }
}

function numberOrNull(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

function wordAt(batch: DenialBatch, reference: number): string | null {
  const index = batch.references[reference] as number;
  return index === NO_VALUE ? null : (batch.words[index] as string);
}

/**
 * A batch's denials, each made into an object only when asked for: a store holds a
 * transaction's worth of denials before writing them, and as objects they would live long
 * enough to be copied by young-generation collections.
 */
export class PackedDenials implements DenialSequence {
  constructor(private readonly batch: DenialBatch) {}

  get length(): number {
    return this.batch.count;
  }

  at(index: number): Denial | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.batch.count) return undefined;
    const batch = this.batch;
    const { numbers, references, text, textEnds } = batch;
    const number = index * NUMBERS_PER_DENIAL;
    const reference = index * REFERENCES_PER_DENIAL;
    const compat = references[reference + 13] as number;
    const notes = wordAt(batch, reference + 14);
    return {
      time: numberOrNull(numbers[number] as number),
      timePrecise: references[reference + 12] === 1,
      serial: numberOrNull(numbers[number + 1] as number),
      host: wordAt(batch, reference),
      pid: numberOrNull(numbers[number + 2] as number),
      comm: wordAt(batch, reference + 1),
      exe: wordAt(batch, reference + 2),
      uid: numberOrNull(numbers[number + 3] as number),
      user: wordAt(batch, reference + 3),
      auid: numberOrNull(numbers[number + 4] as number),
      arch: wordAt(batch, reference + 4),
      abi: wordAt(batch, reference + 5),
      nr: numberOrNull(numbers[number + 5] as number),
      syscall: wordAt(batch, reference + 6),
      action: wordAt(batch, reference + 7) as SeccompAction,
      code: wordAt(batch, reference + 8),
      signal: wordAt(batch, reference + 9),
      compat: compat === NO_VALUE ? null : compat === 1,
      ip: wordAt(batch, reference + 10),
      format: wordAt(batch, reference + 11) as RecordFormat,
      notes: notes === null ? [] : (JSON.parse(notes) as string[]),
      text: text.slice(index === 0 ? 0 : (textEnds[index - 1] as number), textEnds[index] as number),
    };
  }
}
