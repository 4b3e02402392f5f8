import { DENIAL_FIELDS, type Denial, type DenialField, type DenialFieldKind, type DenialFieldName } from '../../decode/index.js';
import type { DenialSequence } from './denial-store.js';

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
 * How each field of DENIAL_FIELDS (src/decode/denial-fields.ts) is packed, by its kind: numbers
 * (NaN for null) in `numbers`; texts, actions and formats as indexes into `words` (-1 for
 * null), booleans as -1 (null), 0 or 1, and notes as a word (their JSON; -1 when there are
 * none) in `references`; the line in `text`. `slot` is the field's place among a denial's
 * numbers or references.
 */
interface PackedField {
  name: DenialFieldName;
  packing: 'number' | 'word' | 'flag' | 'notes' | 'line';
  slot: number;
}

function packingOf(kind: DenialFieldKind): PackedField['packing'] {
  switch (kind) {
    case 'time':
    case 'number':
      return 'number';
    case 'text':
    case 'action':
    case 'format':
      return 'word';
    case 'boolean':
      return 'flag';
    case 'notes':
      return 'notes';
    case 'line':
      return 'line';
  }
}

/** Every field, in the order of DENIAL_FIELDS, so that every denial object gets the same shape. */
const PACKED_FIELDS: readonly PackedField[] = (() => {
  let numbers = 0;
  let references = 0;
  return (DENIAL_FIELDS as readonly DenialField[]).map((field): PackedField => {
    const packing = packingOf(field.kind);
    const slot = packing === 'number' ? numbers++ : packing === 'line' ? 0 : references++;
    return { name: field.name, packing, slot };
  });
})();
const NUMBERS_PER_DENIAL = PACKED_FIELDS.filter((field) => field.packing === 'number').length;
const REFERENCES_PER_DENIAL = PACKED_FIELDS.filter((field) => field.packing !== 'number' && field.packing !== 'line').length;
const NO_VALUE = -1;

/** A field's name, checked to be a plain identifier before it is written into generated code. */
function property(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) throw new Error(`denial field ${name}: not an identifier`);
  return name;
}

type PackDenial = (denial: Denial, numbers: Float64Array, references: Int32Array, number: number, reference: number, word: (text: string | null) => number) => void;
type UnpackDenial = (numbers: Float64Array, references: Int32Array, number: number, reference: number, word: (reference: number) => string | null, line: string) => Denial;

/**
 * The packing and unpacking of one denial, written out field by field from PACKED_FIELDS when
 * this module loads. A loop over the fields costs three times as much (keyed property access
 * at every field, 0.4 µs more a denial each way), and every denial passes both.
 */
function packingFunctions(): { pack: PackDenial; unpack: UnpackDenial } {
  const packed: string[] = [];
  const unpacked: string[] = [];
  for (const { name, packing, slot } of PACKED_FIELDS) {
    const value = `denial.${property(name)}`;
    switch (packing) {
      case 'number':
        packed.push(`numbers[number + ${slot}] = ${value} ?? NaN;`);
        unpacked.push(`${name}: numberOrNull(numbers[number + ${slot}])`);
        break;
      case 'word':
        packed.push(`references[reference + ${slot}] = word(${value});`);
        unpacked.push(`${name}: word(reference + ${slot})`);
        break;
      case 'flag':
        packed.push(`references[reference + ${slot}] = ${value} === null ? ${NO_VALUE} : ${value} ? 1 : 0;`);
        unpacked.push(`${name}: flagOf(references[reference + ${slot}])`);
        break;
      case 'notes':
        packed.push(`references[reference + ${slot}] = ${value}.length === 0 ? ${NO_VALUE} : word(JSON.stringify(${value}));`);
        unpacked.push(`${name}: notesOf(word(reference + ${slot}))`);
        break;
      case 'line':
        unpacked.push(`${name}: line`);
        break;
    }
  }
  const pack = new Function(`return function pack(denial, numbers, references, number, reference, word) {\n${packed.join('\n')}\n};`)() as PackDenial;
  const unpack = new Function('numberOrNull', 'flagOf', 'notesOf', `return function unpack(numbers, references, number, reference, word, line) {\nreturn { ${unpacked.join(', ')} };\n};`)(
    numberOrNull, flagOf, notesOf,
  ) as UnpackDenial;
  return { pack, unpack };
}

function numberOrNull(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

function flagOf(value: number): boolean | null {
  return value === NO_VALUE ? null : value === 1;
}

function notesOf(word: string | null): Denial['notes'] {
  return word === null ? [] : (JSON.parse(word) as Denial['notes']);
}

const { pack, unpack } = packingFunctions();

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
  private readonly wordOf = (text: string | null): number => this.word(text);

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
    const number = index * NUMBERS_PER_DENIAL;
    const reference = index * REFERENCES_PER_DENIAL;
    pack(denial, this.numbers, this.references, number, reference, this.wordOf);
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
    const line = text.slice(index === 0 ? 0 : (textEnds[index - 1] as number), textEnds[index] as number);
    return unpack(numbers, references, number, reference, (at) => wordAt(batch, at), line);
  }
}
