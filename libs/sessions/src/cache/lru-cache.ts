interface Node<K, V> {
  key: K;
  value: V;
  newer: Node<K, V> | undefined;
  older: Node<K, V> | undefined;
}

/**
 * A bounded least-recently-used map: a Map for lookup, a linked list for recency. A hit only
 * relinks nodes; re-inserting into the Map instead (delete + set) leaves V8 tombstones in the hot
 * key's bucket, and a token hit on every request made lookups O(cache size).
 */
export class LruCache<K, V> {
  private readonly nodes = new Map<K, Node<K, V>>();
  private newest: Node<K, V> | undefined;
  private oldest: Node<K, V> | undefined;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.nodes.size;
  }

  get(key: K): V | undefined {
    const node = this.nodes.get(key);
    if (node === undefined) return undefined;
    this.touch(node);
    return node.value;
  }

  set(key: K, value: V): void {
    if (this.capacity === 0) return;
    const existing = this.nodes.get(key);
    if (existing !== undefined) {
      existing.value = value;
      this.touch(existing);
      return;
    }
    const node: Node<K, V> = { key, value, newer: undefined, older: undefined };
    this.nodes.set(key, node);
    this.pushNewest(node);
    if (this.nodes.size > this.capacity) {
      const evicted = this.oldest!;
      this.unlink(evicted);
      this.nodes.delete(evicted.key);
    }
  }

  delete(key: K): void {
    const node = this.nodes.get(key);
    if (node === undefined) return;
    this.unlink(node);
    this.nodes.delete(key);
  }

  clear(): void {
    this.nodes.clear();
    this.newest = this.oldest = undefined;
  }

  private touch(node: Node<K, V>): void {
    if (node === this.newest) return;
    this.unlink(node);
    this.pushNewest(node);
  }

  private unlink(node: Node<K, V>): void {
    if (node.newer) node.newer.older = node.older;
    else this.newest = node.older;
    if (node.older) node.older.newer = node.newer;
    else this.oldest = node.newer;
    node.newer = node.older = undefined;
  }

  private pushNewest(node: Node<K, V>): void {
    node.older = this.newest;
    if (this.newest) this.newest.newer = node;
    this.newest = node;
    this.oldest ??= node;
  }
}
