import type { ChainCursor } from "@sigil/core";
import { revertAllMigrations, runMigrations, TypeormChainCursorStore } from "@sigil/persistence";
import type { DataSource } from "typeorm";
import type { PublicClient } from "viem";
import type { DevDeployment } from "./ensure-dev-contracts.js";

export interface ReconcileDevDatabaseParameters {
  dataSource: DataSource;
  client: PublicClient;
  deployment: DevDeployment;
}

/** What happened to the dev database, for the start-up summary. */
export type DevDatabaseOutcome = "created" | "kept" | "reset";

/**
 * Keeps the dev database only while it describes the running chain: a database recorded against
 * another genesis block or registry is emptied (all migrations reverted and re-run).
 */
export async function reconcileDevDatabase({
  dataSource,
  client,
  deployment,
}: ReconcileDevDatabaseParameters): Promise<DevDatabaseOutcome> {
  await runMigrations(dataSource);
  const cursors = new TypeormChainCursorStore(dataSource);
  const current = await cursors.get(deployment.chainId);
  let outcome: DevDatabaseOutcome = current ? "kept" : "created";
  if (
    current &&
    (current.genesisHash !== deployment.genesisHash || current.registryAddress !== deployment.registry)
  ) {
    await revertAllMigrations(dataSource);
    await runMigrations(dataSource);
    outcome = "reset";
  }
  if (outcome !== "kept") {
    // The block before the registry existed: role sync then applies every registry event, its first included.
    const block = await client.getBlock({ blockNumber: BigInt(deployment.deployedAtBlock) - 1n });
    const cursor: ChainCursor = {
      chainId: deployment.chainId,
      genesisHash: deployment.genesisHash,
      registryAddress: deployment.registry,
      blockNumber: block.number,
      blockHash: block.hash,
      updatedAt: new Date(),
    };
    await cursors.save(cursor);
  }
  return outcome;
}
