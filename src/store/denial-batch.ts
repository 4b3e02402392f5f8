import type { Denial, SeccompAction } from '../decode/index.js';
import type { RecordFormat } from '../records/index.js';

/**
 * Denials packed to cross to the store's writer thread (store-writer-thread.ts) for little
 * more than the copy of their bytes: numbers in one typed array, the few distinct strings of
 * a batch (programs, hosts, codes…) once each with every use a number, and the lines in one
 * string. Posting Denial objects as they are costs several microseconds each in structured
 * cloning on both threads, as much as storing them (docs/store.md, "Writer thread").
 */
export interface DenialBatch {
  count: number;
  /** NUMBER_FIELDS of each denial in turn; NaN for null. */
  numbers: Float64Array;
  /** STRING_FIELDS of each denial as indexes into `words` (-1 for null), then timePrecise, compat, notes. */
  references: Int32Array;
  words: string[];
  /** The denials' lines, one after another, and where each ends. */
  text: string;
  textEnds: Int32Array;
}

const NUMBER_FIELDS = ['time', 'serial', 'pid', 'uid', 'auid', 'nr'] as const;
const STRING_FIELDS = ['host', 'comm', 'exe', 'user', 'arch', 'abi', 'syscall', 'action', 'code', 'signal', 'ip', 'format'] as const;
/** References per denial: the strings, then timePrecise (0/1), compat (-1/0/1), notes (a word: their JSON). */
const REFERENCES_PER_DENIAL = STRING_FIELDS.length + 3;
const NO_VALUE = -1;

/** The buffers a batch can hand over instead of copying (postMessage's transfer list). */
export function transferables(batch: DenialBatch): ArrayBuffer[] {
  return [batch.numbers.buffer as ArrayBuffer, batch.references.buffer as ArrayBuffer, batch.textEnds.buffer as ArrayBuffer];
}

export function encodeDenialBatch(denials: readonly Denial[]): DenialBatch {
  const count = denials.length;
  const numbers = new Float64Array(count * NUMBER_FIELDS.length);
  const references = new Int32Array(count * REFERENCES_PER_DENIAL);
  const textEnds = new Int32Array(count);
  const words: string[] = [];
  const wordIndexes = new Map<string, number>();
  const word = (text: string | null): number => {
    if (text === null) return NO_VALUE;
    let index = wordIndexes.get(text);
    if (index === undefined) {
      index = words.push(text) - 1;
      wordIndexes.set(text, index);
    }
    return index;
  };
  const texts: string[] = new Array<string>(count);
  let textLength = 0;
  let number = 0;
  let reference = 0;
  for (let index = 0; index < count; index++) {
    const denial = denials[index] as Denial;
    for (const field of NUMBER_FIELDS) numbers[number++] = denial[field] ?? Number.NaN;
    for (const field of STRING_FIELDS) references[reference++] = word(denial[field]);
    references[reference++] = denial.timePrecise ? 1 : 0;
    references[reference++] = denial.compat === null ? NO_VALUE : denial.compat ? 1 : 0;
    references[reference++] = denial.notes.length === 0 ? NO_VALUE : word(JSON.stringify(denial.notes));
    texts[index] = denial.text;
    textLength += denial.text.length;
    textEnds[index] = textLength;
  }
  return { count, numbers, references, words, text: texts.join(''), textEnds };
}

function numberOrNull(value: number): number | null {
  return Number.isNaN(value) ? null : value;
}

export function decodeDenialBatch(batch: DenialBatch): Denial[] {
  const { numbers, references, words, text, textEnds } = batch;
  const word = (index: number): string | null => (index === NO_VALUE ? null : (words[index] as string));
  const denials = new Array<Denial>(batch.count);
  let number = 0;
  let reference = 0;
  let textStart = 0;
  for (let index = 0; index < batch.count; index++) {
    const time = numberOrNull(numbers[number++] as number);
    const serial = numberOrNull(numbers[number++] as number);
    const pid = numberOrNull(numbers[number++] as number);
    const uid = numberOrNull(numbers[number++] as number);
    const auid = numberOrNull(numbers[number++] as number);
    const nr = numberOrNull(numbers[number++] as number);
    const host = word(references[reference++] as number);
    const comm = word(references[reference++] as number);
    const exe = word(references[reference++] as number);
    const user = word(references[reference++] as number);
    const arch = word(references[reference++] as number);
    const abi = word(references[reference++] as number);
    const syscall = word(references[reference++] as number);
    const action = word(references[reference++] as number) as SeccompAction;
    const code = word(references[reference++] as number);
    const signal = word(references[reference++] as number);
    const ip = word(references[reference++] as number);
    const format = word(references[reference++] as number) as RecordFormat;
    const timePrecise = references[reference++] === 1;
    const compat = references[reference++] as number;
    const notes = word(references[reference++] as number);
    const textEnd = textEnds[index] as number;
    denials[index] = {
      time, timePrecise, serial, host, pid, comm, exe, uid, user, auid, arch, abi, nr, syscall, action, code, signal,
      compat: compat === NO_VALUE ? null : compat === 1,
      ip, format,
      notes: notes === null ? [] : (JSON.parse(notes) as string[]),
      text: text.slice(textStart, textEnd),
    };
    textStart = textEnd;
  }
  return denials;
}
