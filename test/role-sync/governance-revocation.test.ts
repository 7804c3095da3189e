import { RoleSyncService } from "../../apps/auth-api/src/index.js";
import { accessRegistryAbi, sigilGovernorAbi } from "@sigil/chain";
import { DEV_GOVERNANCE_SETTINGS, devAccount, DevAccountIndex } from "@sigil/chain/dev";
import hre from "hardhat";
import request from "supertest";
import { encodeFunctionData, type Hex, keccak256, parseEventLogs, stringToBytes, zeroHash } from "viem";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { waitFor } from "../guard/support/wait.js";
import { roleId } from "./support/registry-admin.js";

const trader = devAccount(DevAccountIndex.trader);

/** The mission's signature case: a DAO vote takes a role away and the live session ends. */
describe("governance revokes a role from a signed-in wallet", () => {
  let sigil: SigilTestEnvironment;
  const api = () => request(sigil.app.getHttpServer());
  const provider = () => hre.network.provider;
  const mine = async (blocks: number) => {
    for (let i = 0; i < blocks; i += 1) await provider().request({ method: "evm_mine" });
  };

  beforeAll(async () => {
    sigil = await startSigil(
      { SIGIL_ROLE_SYNC: "true", SIGIL_ROLE_SYNC_POLL_MS: "50", SIGIL_RECONCILE_INTERVAL_MS: "0" },
      { governance: true },
    );
    // Only governance may change roles from here on: the deployer gives up its admin role.
    const admin = sigil.chain.wallet(DevAccountIndex.admin);
    await sigil.chain.publicClient.waitForTransactionReceipt({
      hash: await admin.writeContract({
        address: sigil.stack.registry,
        abi: accessRegistryAbi,
        functionName: "renounceRole",
        args: [zeroHash, admin.account.address],
      }),
    });
    await waitFor(() => sigil.app.get(RoleSyncService).follower(31337)!.steps > 0, { timeoutMs: 10_000 });
  });

  afterAll(() => sigil?.close());

  it("C5: Governor + Timelock revoke TRADER from dev account 1 while it holds a live session: refused and refresh fails within confirmations + 2 s", async () => {
    const login = await signIn({ app: sigil.app, account: trader });
    expect(login.status).toBe(200);
    expect(login.body.scope).toContain("orders:write");
    const auth = `Bearer ${login.body.access_token}`;
    await api().get("/v1/me").set("Authorization", auth).expect(200);

    const governor = sigil.stack.governor!;
    const voter = sigil.chain.wallet(DevAccountIndex.admin);
    const call = [
      [sigil.stack.registry],
      [0n],
      [
        encodeFunctionData({
          abi: accessRegistryAbi,
          functionName: "revokeRole",
          args: [roleId("TRADER"), trader.address],
        }),
      ],
    ] as const;
    const description = "Revoke TRADER from dev account 1";
    const send = async (hash: Promise<Hex>) => {
      const receipt = await sigil.chain.publicClient.waitForTransactionReceipt({
        hash: await hash,
        pollingInterval: 10,
      });
      expect(receipt.status).toBe("success");
      return receipt;
    };
    const proposed = await send(
      voter.writeContract({
        address: governor,
        abi: sigilGovernorAbi,
        functionName: "propose",
        args: [...call, description],
      }),
    );
    const [created] = parseEventLogs({
      abi: sigilGovernorAbi,
      logs: proposed.logs,
      eventName: "ProposalCreated",
    });
    await mine(DEV_GOVERNANCE_SETTINGS.votingDelay + 1);
    await send(
      voter.writeContract({
        address: governor,
        abi: sigilGovernorAbi,
        functionName: "castVote",
        args: [created!.args.proposalId, 1],
      }),
    );
    await mine(DEV_GOVERNANCE_SETTINGS.votingPeriod);
    const descriptionHash = keccak256(stringToBytes(description));
    await send(
      voter.writeContract({
        address: governor,
        abi: sigilGovernorAbi,
        functionName: "queue",
        args: [...call, descriptionHash],
      }),
    );
    await provider().request({
      method: "evm_increaseTime",
      params: [DEV_GOVERNANCE_SETTINGS.timelockDelay + 1],
    });
    await mine(1);

    // Still signed in with every scope until the proposal executes.
    expect((await api().get("/v1/me").set("Authorization", auth).expect(200)).body.scope).toContain(
      "orders:write",
    );
    const executed = await send(
      voter.writeContract({
        address: governor,
        abi: sigilGovernorAbi,
        functionName: "execute",
        args: [...call, descriptionHash],
      }),
    );

    const refusedAfterMs = await waitFor(
      async () => (await api().get("/v1/me").set("Authorization", auth)).status === 401,
      { timeoutMs: 5_000 },
    );
    expect(refusedAfterMs).toBeLessThan(2_000); // 0 confirmations configured
    const refresh = await api().post("/v1/auth/refresh").send({ refresh_token: login.body.refresh_token });
    expect(refresh.status).toBe(400);
    expect(refresh.body.error).toBe("invalid_grant");
    const [grant] = await sigil.database.dataSource.query(
      `SELECT revoked_reason, revoked_block_number FROM grants WHERE session_id = $1`,
      [login.body.session_id],
    );
    expect(grant).toEqual({
      revoked_reason: "role_revoked",
      revoked_block_number: String(executed.blockNumber),
    });
  });
});
