/** Two 32-bit FNV-1a hashes of a text, with different offsets: a 64-bit fingerprint. */
function fingerprint(text: string): [number, number] {
  let high = 0x811c9dc5;
  let low = 0x050c5d1f;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    high = Math.imul(high ^ code, 0x01000193);
    low = Math.imul(low ^ code, 0x01000193) ^ (low >>> 15);
  }
  // 0 marks an empty slot, so no fingerprint may be 0 in both halves.
  return [high >>> 0, (low >>> 0) || 1];
}

const FIRST_SLOTS = 1 << 10;

/**
 * Counts distinct texts, up to `limit` of them, in 8 bytes of typed array per slot (at most
 * half full) rather than a Set of the texts: what it remembers is a 64-bit fingerprint of
 * each, so two texts count as one only if their fingerprints collide (about one chance in
 * 10^7 for a million texts). Past `limit` it stops counting and says so (`saturated`).
 */
export class DistinctFingerprints {
  private slots = new Uint32Array(FIRST_SLOTS * 2);
  private used = 0;

  constructor(private readonly limit: number) {}

  /** How many distinct texts were added, at most `limit`. */
  get count(): number {
    return this.used;
  }

  /** True once `limit` distinct texts were counted: more may have followed uncounted. */
  get saturated(): boolean {
    return this.used >= this.limit;
  }

  add(text: string): void {
    this.addNew(text);
  }

  /** Adds the text; true when it was not there before (false too once saturated). */
  addNew(text: string): boolean {
    if (this.used >= this.limit) return false;
    const [high, low] = fingerprint(text);
    if (!this.insert(high, low)) return false;
    this.used++;
    if (this.used * 2 > this.slots.length / 2) this.grow();
    return true;
  }

  /** Puts the fingerprint in its slot (linear probing); false when it was there already. */
  private insert(high: number, low: number): boolean {
    const mask = this.slots.length / 2 - 1;
    for (let slot = (high ^ low) & mask; ; slot = (slot + 1) & mask) {
      const storedHigh = this.slots[slot * 2]!;
      const storedLow = this.slots[slot * 2 + 1]!;
      if (storedHigh === 0 && storedLow === 0) {
        this.slots[slot * 2] = high;
        this.slots[slot * 2 + 1] = low;
        return true;
      }
      if (storedHigh === high && storedLow === low) return false;
    }
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Uint32Array(old.length * 2);
    for (let index = 0; index < old.length; index += 2) {
      if (old[index] !== 0 || old[index + 1] !== 0) this.insert(old[index]!, old[index + 1]!);
    }
  }
}
