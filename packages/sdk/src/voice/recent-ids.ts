/**
 * The last `capacity` ids seen, oldest forgotten first. A re-sent voice signal (the sender retried after a
 * lost answer) arrives with the id it was first sent with; remembering recent ids lets it fire handlers once
 * without the set growing for as long as the process lives.
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 1000) {
    if (capacity < 1) throw new RangeError('RecentIds needs a capacity of at least 1');
  }

  /** Records `id`; false when it was already among the recent ones. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      // A Set iterates in insertion order: the first id is the oldest.
      const oldest = this.ids.values().next().value as string;
      this.ids.delete(oldest);
    }
    return true;
  }

  get size(): number {
    return this.ids.size;
  }
}
