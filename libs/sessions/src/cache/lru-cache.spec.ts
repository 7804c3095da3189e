import { LruCache } from "./lru-cache.js";

describe("LruCache", () => {
  it("evicts the least recently used entry once over capacity", () => {
    const cache = new LruCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    expect(cache.get("a")).toBe(1); // "b" is now the least recently used
    cache.set("c", 3);
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBe(1);
    expect(cache.get("c")).toBe(3);
    expect(cache.size).toBe(2);
  });

  it("replaces a value without growing and forgets deleted keys", () => {
    const cache = new LruCache<string, number>(2);
    cache.set("a", 1);
    cache.set("a", 2);
    expect(cache.size).toBe(1);
    expect(cache.get("a")).toBe(2);
    cache.delete("a");
    expect(cache.get("a")).toBeUndefined();
  });

  it("clear forgets every entry and keeps working", () => {
    const cache = new LruCache<string, number>(2);
    cache.set("a", 1);
    cache.set("b", 2);
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.get("a")).toBeUndefined();
    cache.set("c", 3);
    cache.set("d", 4);
    cache.set("e", 5);
    expect([cache.get("c"), cache.get("d"), cache.get("e")]).toEqual([undefined, 4, 5]);
  });

  it("stores nothing with capacity 0", () => {
    const cache = new LruCache<string, number>(0);
    cache.set("a", 1);
    expect(cache.get("a")).toBeUndefined();
  });
});

describe("LruCache under a hot key", () => {
  it("keeps a hit O(1) in a full cache (no Map re-insertion per hit)", () => {
    const cache = new LruCache<string, number>(10_000);
    for (let i = 0; i < 10_000; i += 1) cache.set(`token-${i}`, i);
    const started = performance.now();
    for (let i = 0; i < 100_000; i += 1) cache.get("token-9999");
    // O(1): a few ms; with delete + set per hit this took seconds (V8 Map tombstones).
    expect(performance.now() - started).toBeLessThan(1000);
    expect(cache.size).toBe(10_000);
  });

  it("evicts in recency order after many touches", () => {
    const cache = new LruCache<number, number>(3);
    [1, 2, 3].forEach((n) => cache.set(n, n));
    for (let i = 0; i < 1000; i += 1) cache.get(1 + (i % 2)); // 1 and 2 stay hot
    cache.set(4, 4);
    expect(cache.get(3)).toBeUndefined();
    cache.delete(1);
    cache.set(5, 5);
    expect([cache.get(1), cache.get(2), cache.get(4), cache.get(5)]).toEqual([undefined, 2, 4, 5]);
  });
});
