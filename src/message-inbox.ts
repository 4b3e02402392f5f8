/** Messages from another thread, kept in order until taken: at once, or by waiting for the next. */
export class MessageInbox<T> {
  private readonly queue: T[] = [];
  private wake: (() => void) | null = null;

  push(message: T): void {
    this.queue.push(message);
    this.wake?.();
    this.wake = null;
  }

  /** The oldest message not yet taken, if one has come. */
  take(): T | undefined {
    return this.queue.shift();
  }

  async next(): Promise<T> {
    for (;;) {
      const message = this.queue.shift();
      if (message !== undefined) return message;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }
}
