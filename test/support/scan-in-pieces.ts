import type { CandidateLineScanner } from '../../src/input/candidate-lines.js';

/** What a scanner passes on of `input` fed to it `pieceSize` bytes at a time, the end included. */
export function scanInPieces(scanner: CandidateLineScanner, input: Buffer, pieceSize: number): Buffer {
  const passed: Buffer[] = [];
  for (let at = 0; at < input.length; at += pieceSize) {
    const found = scanner.scan(input.subarray(at, at + pieceSize));
    if (found) passed.push(found);
  }
  const last = scanner.finish();
  if (last) passed.push(last);
  return Buffer.concat(passed);
}
