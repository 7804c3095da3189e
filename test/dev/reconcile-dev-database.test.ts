import { deployAccessStack, DevAccountIndex } from "@sigil/chain/dev";
import { NonceEntity, TypeormChainCursorStore } from "@sigil/persistence";
import { reconcileDevDatabase } from "../../apps/cli/src/dev/reconcile-dev-database.js";
import type { DevDeployment } from "../../apps/cli/src/dev/ensure-dev-contracts.js";
import { createTestDataSource, type TestDataSource } from "../fixtures/database.js";
import { type LocalChain, startLocalChain } from "../fixtures/local-chain.js";

describe("dev mode keeps the database in step with the chain", () => {
  let chain: LocalChain;
  let database: TestDataSource;
  let deployment: DevDeployment;

  beforeAll(async () => {
    chain = await startLocalChain();
    const stack = await deployAccessStack({
      publicClient: chain.publicClient,
      walletClient: chain.wallet(DevAccountIndex.admin),
      governance: false,
    });
    const genesis = await chain.publicClient.getBlock({ blockNumber: 0n });
    deployment = {
      chainId: 31337,
      genesisHash: genesis.hash,
      registry: stack.registry,
      deployedAtBlock: stack.deployedAtBlock.toString(),
    };
    database = await createTestDataSource();
  });

  afterAll(async () => {
    await database?.destroy();
    await chain?.stop();
  });

  const addNonce = () =>
    database.dataSource.getRepository(NonceEntity).insert({
      nonce: `n${Date.now()}abcdefgh`,
      issuedAt: new Date(),
      expiresAt: new Date(Date.now() + 60_000),
    });

  it("records the chain on first start, keeps data while the chain is the same, resets when it is new", async () => {
    const { dataSource } = database;
    const params = { dataSource, client: chain.publicClient, deployment };
    expect(await reconcileDevDatabase(params)).toBe("created");
    const cursor = await new TypeormChainCursorStore(dataSource).get(31337);
    expect(cursor).toMatchObject({
      genesisHash: deployment.genesisHash,
      registryAddress: deployment.registry,
      // Role sync starts after this block: the registry's own deployment block is applied too.
      blockNumber: BigInt(deployment.deployedAtBlock) - 1n,
    });

    await addNonce();
    expect(await reconcileDevDatabase(params)).toBe("kept");
    expect(await dataSource.getRepository(NonceEntity).count()).toBe(1);

    // A restarted in-memory chain has another genesis block: the old rows describe nothing real.
    const newChain = { ...deployment, genesisHash: `0x${"ab".repeat(32)}` as const };
    expect(await reconcileDevDatabase({ ...params, deployment: newChain })).toBe("reset");
    expect(await dataSource.getRepository(NonceEntity).count()).toBe(0);
    expect((await new TypeormChainCursorStore(dataSource).get(31337))?.genesisHash).toBe(
      newChain.genesisHash,
    );

    // Same genesis but another registry (redeployed contracts) also resets.
    await addNonce();
    const redeployed = { ...newChain, registry: "0x0000000000000000000000000000000000000001" as const };
    expect(await reconcileDevDatabase({ ...params, deployment: redeployed })).toBe("reset");
    expect(await dataSource.getRepository(NonceEntity).count()).toBe(0);
  });
});
