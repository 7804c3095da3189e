/**
 * A Set that refuses changes after construction: a cached principal is shared across requests,
 * so one handler must not be able to grant scopes to the next.
 */
export class FrozenSet<T> extends Set<T> {
  constructor(values: Iterable<T>) {
    super();
    for (const value of values) Set.prototype.add.call(this, value);
    Object.freeze(this);
  }

  override add(): this {
    throw new TypeError("FrozenSet cannot be changed");
  }

  override delete(): boolean {
    throw new TypeError("FrozenSet cannot be changed");
  }

  override clear(): void {
    throw new TypeError("FrozenSet cannot be changed");
  }
}
