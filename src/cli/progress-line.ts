import { escapeForTerminal, formatCount } from '../render/index.js';

/** Inputs smaller than this get no progress line. */
const MIN_BYTES_FOR_PROGRESS = 50 * 1024 * 1024;
const REDRAW_INTERVAL_MS = 250;

/**
 * A one-line progress report on stderr, shown only on a terminal and only for large inputs.
 * The total comes from `sizeOf`, asked once per input and only when the line is shown.
 */
export class ProgressLine {
  private lastDraw = 0;
  private shown = false;
  private readonly totals = new Map<string, number | null>();

  constructor(
    private readonly stream: NodeJS.WriteStream,
    private readonly sizeOf: (label: string) => number | null,
  ) {}

  update(label: string, bytes: number): void {
    if (!this.stream.isTTY) return;
    let totalBytes = this.totals.get(label);
    if (totalBytes === undefined) {
      totalBytes = this.sizeOf(label);
      this.totals.set(label, totalBytes);
    }
    if (bytes < MIN_BYTES_FOR_PROGRESS && (totalBytes === null || totalBytes < MIN_BYTES_FOR_PROGRESS)) return;
    const now = Date.now();
    if (now - this.lastDraw < REDRAW_INTERVAL_MS) return;
    this.lastDraw = now;
    const megabytes = (count: number): string => `${formatCount(Math.round(count / 1048576))} MiB`;
    const share = totalBytes ? ` of ${megabytes(totalBytes)} (${Math.floor((bytes / totalBytes) * 100)} %)` : '';
    this.stream.write(`\r\x1b[2Kreading ${escapeForTerminal(label)}: ${megabytes(bytes)}${share}`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
