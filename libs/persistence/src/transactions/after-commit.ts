import type { DataSource, EntityManager, EntitySubscriberInterface, QueryRunner } from "typeorm";

interface Pending {
  /** Transaction depth when the effect was registered (1 = the outer transaction). */
  depth: number;
  effect: () => void;
}

const pendingByRunner = new WeakMap<QueryRunner, Pending[]>();
const subscribed = new WeakSet<DataSource>();

/**
 * Flushes effects when a query runner's outermost transaction commits and drops them when it,
 * or the savepoint they were registered under, rolls back.
 */
const subscriber: EntitySubscriberInterface = {
  afterTransactionCommit({ queryRunner }) {
    if (queryRunner.isTransactionActive) {
      // A savepoint was released: its effects now stand or fall with the enclosing level.
      const depth = transactionDepth(queryRunner);
      for (const pending of pendingByRunner.get(queryRunner) ?? [])
        pending.depth = Math.min(pending.depth, depth);
      return;
    }
    const pending = pendingByRunner.get(queryRunner) ?? [];
    pendingByRunner.delete(queryRunner);
    for (const { effect } of pending) effect();
  },
  afterTransactionRollback({ queryRunner }) {
    const depth = queryRunner.isTransactionActive ? transactionDepth(queryRunner) : 0;
    const kept = (pendingByRunner.get(queryRunner) ?? []).filter((pending) => pending.depth <= depth);
    if (kept.length > 0) pendingByRunner.set(queryRunner, kept);
    else pendingByRunner.delete(queryRunner);
  },
};

function transactionDepth(queryRunner: QueryRunner): number {
  return (queryRunner as QueryRunner & { transactionDepth?: number }).transactionDepth ?? 1;
}

/**
 * Runs `effect` (a metric, an in-memory note: nothing that can fail the work) once the
 * transaction `manager` belongs to has committed, and never if it rolls back, so a retried
 * transaction is counted once. Outside a transaction it runs at once.
 */
export function afterCommit(manager: EntityManager, effect: () => void): void {
  const queryRunner = manager.queryRunner;
  if (!queryRunner?.isTransactionActive) {
    effect();
    return;
  }
  const dataSource = manager.connection;
  if (!subscribed.has(dataSource)) {
    subscribed.add(dataSource);
    dataSource.subscribers.push(subscriber);
  }
  const pending = pendingByRunner.get(queryRunner) ?? [];
  pending.push({ depth: transactionDepth(queryRunner), effect });
  pendingByRunner.set(queryRunner, pending);
}
