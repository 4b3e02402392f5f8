import { formatCount } from '../render/index.js';

/** Inputs smaller than this get no progress line. */
const MIN_BYTES_FOR_PROGRESS = 50 * 1024 * 1024;
const REDRAW_INTERVAL_MS = 250;

/** A one-line progress report on stderr, shown only on a terminal and only for large inputs. */
export class ProgressLine {
  private lastDraw = 0;
  private shown = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  update(label: string, bytes: number, totalBytes: number | null): void {
    if (!this.stream.isTTY) return;
    if (bytes < MIN_BYTES_FOR_PROGRESS && (totalBytes === null || totalBytes < MIN_BYTES_FOR_PROGRESS)) return;
    const now = Date.now();
    if (now - this.lastDraw < REDRAW_INTERVAL_MS) return;
    this.lastDraw = now;
    const megabytes = (count: number): string => `${formatCount(Math.round(count / 1048576))} MiB`;
    const share = totalBytes ? ` of ${megabytes(totalBytes)} (${Math.floor((bytes / totalBytes) * 100)} %)` : '';
    this.stream.write(`\r\x1b[2Kreading ${label}: ${megabytes(bytes)}${share}`);
    this.shown = true;
  }

  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
