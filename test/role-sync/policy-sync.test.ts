import type { INestApplication } from "@nestjs/common";
import { RoleSyncService } from "../../apps/auth-api/src/index.js";
import {
  deployPolicyDemoExternal,
  deployPolicyDemoOz,
  devAccessManagerAbi,
  devAccount,
  devPass1155Abi,
  devPassAbi,
  devSafeAbi,
  devVaultAbi,
  easAbi,
  type PolicyDemoExternal,
  type PolicyDemoOz,
} from "@sigil/chain/dev";
import request from "supertest";
import {
  type Address,
  concat,
  encodeAbiParameters,
  encodeFunctionData,
  erc20Abi,
  type Hex,
  keccak256,
  pad,
  parseEventLogs,
  parseUnits,
  stringToBytes,
  type TransactionReceipt,
  zeroAddress,
  zeroHash,
} from "viem";
import { createVenueFor } from "../fixtures/example-venue.js";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { waitFor } from "../guard/support/wait.js";
import { registryAdmin } from "./support/registry-admin.js";

const ADMIN = 0;
const ATTESTER = 4;
const SAFE_KEEPER = 12;
const EXPIRING = 13;
const TRADER_ROLE = keccak256(stringToBytes("TRADER_ROLE"));
const MANAGER_ROLE = 7n;
const SENTINEL_OWNERS: Address = "0x0000000000000000000000000000000000000001";
const address = (index: number): Address => devAccount(index).address;

/** One source kind in the suite: the account that gains and loses the fact, and whether losing it ends sessions. */
interface Case {
  kind: string;
  account: number;
  ends: boolean;
  gain: () => Promise<TransactionReceipt>;
  lose: () => Promise<TransactionReceipt>;
}

/**
 * Every policy source kind end to end (P1): each test account holds VIEWER (positions:read) in the registry and, through
 * one other source, `orders:write`; losing that fact on-chain narrows (or ends) its live session at
 * Sigil and at the venue within a second.
 */
describe("policy sources reach live sessions", () => {
  let sigil: SigilTestEnvironment;
  let venue: INestApplication;
  let oz: PolicyDemoOz;
  let external: PolicyDemoExternal;
  const api = () => request(sigil.app.getHttpServer());
  const atVenue = () => request(venue.getHttpServer());
  const follower = () => sigil.app.get(RoleSyncService).follower(31337)!;

  beforeAll(async () => {
    sigil = await startSigil(
      { SIGIL_ROLE_SYNC: "true", SIGIL_ROLE_SYNC_POLL_MS: "50", SIGIL_RECONCILE_INTERVAL_MS: "0" },
      {
        policy: async ({ chain, stack }) => {
          const clients = { publicClient: chain.publicClient, walletClient: chain.wallet(ADMIN) };
          oz = await deployPolicyDemoOz(clients);
          external = await deployPolicyDemoExternal({ ...clients, safeOwners: [address(SAFE_KEEPER)] });
          const at = { chain: 31337 };
          return {
            sources: {
              registry: { ...at, kind: "sigil-registry", address: stack.registry },
              vault: {
                ...at,
                kind: "access-control",
                address: oz.vault,
                roles: { [TRADER_ROLE]: ["orders:write"] },
              },
              manager: {
                ...at,
                kind: "access-manager",
                address: oz.manager,
                roles: { [String(MANAGER_ROLE)]: ["orders:write"] },
              },
              token: { ...at, kind: "erc20", address: oz.token, measure: "balance", threshold: "100" },
              pass: { ...at, kind: "erc721", address: oz.pass },
              pass1155: { ...at, kind: "erc1155", address: oz.pass1155, tokenId: "5", min: 2 },
              kyc: {
                ...at,
                kind: "eas",
                address: external.eas,
                schema: external.kycSchema,
                attesters: [address(ATTESTER)],
                fromBlock: Number(external.deployedAtBlock),
              },
              safe: { ...at, kind: "safe", address: external.safe },
            },
            rules: [
              { id: "registry", scopesFrom: "registry" },
              { id: "vault", scopesFrom: "vault" },
              { id: "manager", scopesFrom: "manager" },
              ...["token", "pass", "pass1155", "kyc", "safe"].map((id) => ({
                id,
                scopes: ["orders:write"],
                when: [id],
              })),
            ],
          };
        },
      },
    );
    await sigil.app.listen(0, "127.0.0.1");
    await waitFor(() => follower().steps > 0, { timeoutMs: 10_000 });
    venue = await createVenueFor(sigil, await sigil.app.getUrl());
    const admin = registryAdmin(sigil.chain, sigil.stack.registry);
    for (const account of [...cases.map((c) => c.account), EXPIRING]) {
      await admin.grantRole("VIEWER", address(account));
    }
  });

  afterAll(async () => {
    await venue?.close();
    await sigil?.close();
  });

  const mined = async (hash: Promise<Hex>): Promise<TransactionReceipt> => {
    const receipt = await sigil.chain.publicClient.waitForTransactionReceipt({
      hash: await hash,
      pollingInterval: 10,
    });
    expect(receipt.status).toBe("success");
    return receipt;
  };
  const write = (
    from: number,
    call: { address: Address; abi: unknown; functionName: string; args: unknown[] },
  ) => mined(sigil.chain.wallet(from).writeContract(call as never));
  /** A Safe transaction of its keeper (threshold 1), signed by sending it (a pre-validated signature). */
  const execSafe = (data: Hex) =>
    write(SAFE_KEEPER, {
      address: external.safe,
      abi: devSafeAbi,
      functionName: "execTransaction",
      args: [
        external.safe,
        0n,
        data,
        0,
        0n,
        0n,
        0n,
        zeroAddress,
        zeroAddress,
        concat([pad(address(SAFE_KEEPER), { size: 32 }), zeroHash, "0x01"]),
      ],
    });
  let passId = 0n;
  let attestation: Hex = zeroHash;
  let lastAttestation: Hex = zeroHash;
  /** The attester's KYC attestation to `recipient` (expirationTime 0: never); returns its uid. */
  const attestKyc = async (recipient: Address, expirationTime: bigint): Promise<Hex> => {
    const receipt = await write(ATTESTER, {
      address: external.eas,
      abi: easAbi,
      functionName: "attest",
      args: [
        {
          schema: external.kycSchema,
          data: {
            recipient,
            expirationTime,
            revocable: true,
            refUID: zeroHash,
            data: encodeAbiParameters([{ type: "bool" }], [true]),
            value: 0n,
          },
        },
      ],
    });
    lastAttestation = receipt.transactionHash;
    const [attested] = parseEventLogs({ abi: easAbi, eventName: "Attested", logs: receipt.logs });
    return attested!.args.uid;
  };

  const cases: Case[] = [
    {
      kind: "access-control (role revoked)",
      account: 5,
      ends: true,
      gain: () =>
        write(ADMIN, {
          address: oz.vault,
          abi: devVaultAbi,
          functionName: "grantRole",
          args: [TRADER_ROLE, address(5)],
        }),
      lose: () =>
        write(ADMIN, {
          address: oz.vault,
          abi: devVaultAbi,
          functionName: "revokeRole",
          args: [TRADER_ROLE, address(5)],
        }),
    },
    {
      kind: "access-manager (role revoked)",
      account: 6,
      ends: true,
      gain: () =>
        write(ADMIN, {
          address: oz.manager,
          abi: devAccessManagerAbi,
          functionName: "grantRole",
          args: [MANAGER_ROLE, address(6), 0],
        }),
      lose: () =>
        write(ADMIN, {
          address: oz.manager,
          abi: devAccessManagerAbi,
          functionName: "revokeRole",
          args: [MANAGER_ROLE, address(6)],
        }),
    },
    {
      kind: "erc20 (balance below threshold)",
      account: 7,
      ends: false,
      gain: () =>
        write(ADMIN, {
          address: oz.token,
          abi: erc20Abi,
          functionName: "transfer",
          args: [address(7), parseUnits("100", 18)],
        }),
      lose: () =>
        write(7, { address: oz.token, abi: erc20Abi, functionName: "transfer", args: [address(ADMIN), 1n] }),
    },
    {
      kind: "erc721 (pass transferred away)",
      account: 8,
      ends: false,
      gain: async () => {
        const receipt = await write(ADMIN, {
          address: oz.pass,
          abi: devPassAbi,
          functionName: "mint",
          args: [address(8)],
        });
        const [minted] = parseEventLogs({ abi: devPassAbi, eventName: "Transfer", logs: receipt.logs });
        passId = minted!.args.tokenId;
        return receipt;
      },
      lose: () =>
        write(8, {
          address: oz.pass,
          abi: devPassAbi,
          functionName: "transferFrom",
          args: [address(8), address(ADMIN), passId],
        }),
    },
    {
      kind: "erc1155 (pass transferred away)",
      account: 9,
      ends: false,
      gain: () =>
        write(ADMIN, {
          address: oz.pass1155,
          abi: devPass1155Abi,
          functionName: "mint",
          args: [address(9), 5n, 2n],
        }),
      lose: () =>
        write(9, {
          address: oz.pass1155,
          abi: devPass1155Abi,
          functionName: "safeTransferFrom",
          args: [address(9), address(ADMIN), 5n, 1n, "0x"],
        }),
    },
    {
      kind: "eas (attestation revoked)",
      account: 10,
      ends: false,
      gain: async () => {
        attestation = await attestKyc(address(10), 0n);
        return sigil.chain.publicClient.getTransactionReceipt({ hash: lastAttestation });
      },
      lose: () =>
        write(ATTESTER, {
          address: external.eas,
          abi: easAbi,
          functionName: "revoke",
          args: [{ schema: external.kycSchema, data: { uid: attestation, value: 0n } }],
        }),
    },
    {
      kind: "safe (owner removed)",
      account: 11,
      ends: true,
      gain: () =>
        execSafe(
          encodeFunctionData({
            abi: devSafeAbi,
            functionName: "addOwnerWithThreshold",
            args: [address(11), 1n],
          }),
        ),
      // A new owner is put first in the Safe's list: the sentinel precedes it.
      lose: () =>
        execSafe(
          encodeFunctionData({
            abi: devSafeAbi,
            functionName: "removeOwner",
            args: [SENTINEL_OWNERS, address(11), 1n],
          }),
        ),
    },
  ];

  const login = async (account: number) => {
    const response = await signIn({ app: sigil.app, account: devAccount(account) });
    expect(response.status).toBe(200);
    return response.body as { access_token: string; session_id: string; scope: string };
  };

  it.each(cases.map((c) => [c.kind, c] as const))(
    "P1 %s: gaining the fact grants orders:write at sign-in; losing it narrows the live session within 1 s at Sigil and at the venue",
    async (_kind, c) => {
      expect((await login(c.account)).scope).toBe("positions:read");
      await c.gain();
      const session = await login(c.account);
      expect(session.scope).toBe("orders:write positions:read");
      const auth = `Bearer ${session.access_token}`;
      await atVenue().post("/orders").set("Authorization", auth).send(order()).expect(201);

      await c.lose();
      const [atSigil, atTheVenue] = await Promise.all([
        waitFor(
          async () => {
            const me = await api().get("/v1/me").set("Authorization", auth);
            return c.ends ? me.status === 401 : me.status === 200 && !me.body.scope.includes("orders:write");
          },
          { timeoutMs: 5_000, everyMs: 20 },
        ),
        waitFor(
          async () =>
            (await atVenue().post("/orders").set("Authorization", auth).send(order())).status ===
            (c.ends ? 401 : 403),
          { timeoutMs: 5_000, everyMs: 20 },
        ),
      ]);
      expect(atSigil).toBeLessThan(1_000);
      expect(atTheVenue).toBeLessThan(1_000);
      if (!c.ends) {
        await atVenue().get("/positions").set("Authorization", auth).expect(200);
        const me = await api().get("/v1/me").set("Authorization", auth).expect(200);
        expect(me.body.scope).toEqual(["positions:read"]);
      }
      const [grant] = await sigil.database.dataSource.query(
        `SELECT revoked_reason FROM grants WHERE session_id = $1 AND method = 'siwe'`,
        [session.session_id],
      );
      expect(grant.revoked_reason).toBe(c.ends ? "role_revoked" : "scope_removed");
      expect((await login(c.account)).scope).toBe("positions:read");
    },
  );

  it("P1 eas (attestation expired): the session narrows within 1 s of the expiry at Sigil and at the venue, with no event", async () => {
    const head = await sigil.chain.publicClient.getBlock();
    // Expiry is judged by the wall clock; Hardhat's clock runs ahead by a second per block mined faster.
    const expiresAt = Math.max(Number(head.timestamp), Math.ceil(Date.now() / 1000)) + 3;
    expect(expiresAt * 1000 - Date.now()).toBeLessThan(90_000);
    await attestKyc(address(EXPIRING), BigInt(expiresAt));
    const session = await login(EXPIRING);
    expect(session.scope).toBe("orders:write positions:read");
    const [row] = await sigil.database.dataSource.query(
      `SELECT scopes_valid_until FROM sessions WHERE id = $1`,
      [session.session_id],
    );
    expect(new Date(row.scopes_valid_until).getTime()).toBe(expiresAt * 1000);
    const auth = `Bearer ${session.access_token}`;
    await atVenue().post("/orders").set("Authorization", auth).send(order()).expect(201);

    await new Promise((resolve) => setTimeout(resolve, expiresAt * 1000 - Date.now()));
    const [atSigil, atTheVenue] = await Promise.all([
      waitFor(
        async () =>
          !(await api().get("/v1/me").set("Authorization", auth).expect(200)).body.scope.includes(
            "orders:write",
          ),
        { timeoutMs: 5_000, everyMs: 20 },
      ),
      waitFor(
        async () => (await atVenue().post("/orders").set("Authorization", auth).send(order())).status === 403,
        { timeoutMs: 5_000, everyMs: 20 },
      ),
    ]);
    expect(atSigil).toBeLessThan(1_000);
    expect(atTheVenue).toBeLessThan(1_000);
    const [narrowed] = await sigil.database.dataSource.query(
      `SELECT scopes, scopes_valid_until FROM sessions WHERE id = $1`,
      [session.session_id],
    );
    expect(narrowed).toEqual({ scopes: ["positions:read"], scopes_valid_until: null });
    expect((await login(EXPIRING)).scope).toBe("positions:read");
  }, 120_000);

  it("P1 metrics count each source's reads and applied events", async () => {
    const metrics = (await api().get("/metrics").expect(200)).text;
    const value = (line: string) => Number(new RegExp(`^${line} (\\d+)$`, "m").exec(metrics)?.[1] ?? 0);
    for (const source of ["vault", "manager", "token", "pass", "pass1155", "kyc", "safe"]) {
      // Every case lost its fact on-chain once, after gaining it: two events at least.
      expect(value(`sigil_policy_source_events_applied_total{source="${source}"}`)).toBeGreaterThanOrEqual(2);
      expect(value(`sigil_policy_source_reads_total{source="${source}",outcome="holds"}`)).toBeGreaterThan(0);
      expect(value(`sigil_policy_source_reads_total{source="${source}",outcome="not_held"}`)).toBeGreaterThan(
        0,
      );
    }
  });
});

function order() {
  return { market: "BTC-USD", side: "buy", size: "0.1" };
}
