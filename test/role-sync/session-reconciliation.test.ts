import { RoleSyncService } from "../../apps/auth-api/src/index.js";
import { reconcile } from "../../apps/cli/src/commands/reconcile.js";
import { AccessReaderService } from "../../apps/auth-api/src/chain/access-reader.service.js";
import {
  deployPolicyDemoExternal,
  deployPolicyDemoOz,
  devAccount,
  DevAccountIndex,
  devPassAbi,
  devVaultAbi,
  easAbi,
  type PolicyDemoExternal,
  type PolicyDemoOz,
} from "@sigil/chain/dev";
import type { WalletKind } from "@sigil/core";
import fc from "fast-check";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import request from "supertest";
import {
  type Address,
  encodeAbiParameters,
  erc20Abi,
  type Hex,
  keccak256,
  parseEventLogs,
  parseUnits,
  stringToBytes,
  type TransactionReceipt,
  zeroHash,
} from "viem";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { waitFor } from "../guard/support/wait.js";
import { registryAdmin } from "./support/registry-admin.js";

const ADMIN = 0;
const ATTESTER = 4;
const ACCOUNTS = [5, 6, 7] as const;
const DOWN_CHAIN = 31338;
const TRADER_ROLE = keccak256(stringToBytes("TRADER_ROLE"));
const address = (index: number): Address => devAccount(index).address;

/** One step of a random history: an on-chain change to one account's facts, or its sign-in. */
type Step = {
  op: "grant" | "revoke" | "fund" | "drain" | "mint" | "giveAway" | "attest" | "unattest" | "signIn";
  account: (typeof ACCOUNTS)[number];
};

/**
 * Session reconciliation (issue 19): live sessions are compared with direct reads of every policy
 * source and narrowed where they hold too much; over random histories the follower already agrees.
 */
describe("session reconciliation against direct reads", () => {
  let sigil: SigilTestEnvironment;
  let oz: PolicyDemoOz;
  let external: PolicyDemoExternal;
  const api = () => request(sigil.app.getHttpServer());
  const service = () => sigil.app.get(RoleSyncService);
  const follower = () => service().follower(31337)!;
  const query = (sql: string, parameters: unknown[] = []) => sigil.database.dataSource.query(sql, parameters);

  beforeAll(async () => {
    sigil = await startSigil(
      { SIGIL_ROLE_SYNC: "true", SIGIL_ROLE_SYNC_POLL_MS: "50", SIGIL_RECONCILE_INTERVAL_MS: "0" },
      {
        policy: async ({ chain, stack }) => {
          const clients = { publicClient: chain.publicClient, walletClient: chain.wallet(ADMIN) };
          oz = await deployPolicyDemoOz(clients);
          external = await deployPolicyDemoExternal({ ...clients, safeOwners: [address(ADMIN)] });
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
              token: { ...at, kind: "erc20", address: oz.token, measure: "balance", threshold: "100" },
              pass: { ...at, kind: "erc721", address: oz.pass },
              kyc: {
                ...at,
                kind: "eas",
                address: external.eas,
                schema: external.kycSchema,
                attesters: [address(ATTESTER)],
                fromBlock: Number(external.deployedAtBlock),
              },
            },
            // Scopes overlap across sources: losing one fact may or may not take a scope away.
            rules: [
              { id: "registry", scopesFrom: "registry" },
              { id: "vault", scopesFrom: "vault" },
              { id: "token", scopes: ["orders:read"], when: ["token"] },
              { id: "pass", scopes: ["orders:read", "orders:write"], when: ["pass"] },
              { id: "kyc", scopes: ["orders:write"], when: ["kyc"] },
            ],
          };
        },
      },
    );
    await waitFor(() => follower().steps > 0, { timeoutMs: 10_000 });
    // VIEWER (positions:read) keeps every sign-in possible whatever the history leaves.
    const admin = registryAdmin(sigil.chain, sigil.stack.registry);
    for (const account of ACCOUNTS) await admin.grantRole("VIEWER", address(account));
  });

  afterAll(async () => {
    await sigil?.close();
  });

  const write = async (
    from: number,
    call: { address: Address; abi: unknown; functionName: string; args: unknown[] },
  ): Promise<TransactionReceipt> => {
    const hash = await sigil.chain.wallet(from).writeContract(call as never);
    const receipt = await sigil.chain.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 10 });
    expect(receipt.status).toBe("success");
    return receipt;
  };

  /** The follower has applied every block up to the chain's head and finished a step after it. */
  const caughtUp = async () => {
    const head = await sigil.chain.publicClient.getBlockNumber({ cacheTime: 0 });
    await waitFor(
      async () => {
        const [cursor] = await query(`SELECT block_number FROM chain_cursors WHERE chain_id = 31337`);
        return cursor !== undefined && BigInt(cursor.block_number) >= head;
      },
      { timeoutMs: 10_000 },
    );
    const steps = follower().steps;
    await waitFor(() => follower().steps > steps, { timeoutMs: 10_000 });
  };

  const liveSessions = (): Promise<
    { id: string; address: Address; wallet_kind: WalletKind; scopes: string[] }[]
  > =>
    query(
      `SELECT id, address, wallet_kind, scopes FROM sessions
        WHERE revoked_at IS NULL AND absolute_expires_at > now() ORDER BY created_at`,
    );

  it("C5 a session holding a scope the chain no longer allows (its revoking event missed) is reported and narrowed: metric, audit event, grant", async () => {
    const viewer = devAccount(DevAccountIndex.viewer);
    const login = await signIn({ app: sigil.app, account: viewer });
    expect(login.status).toBe(200);
    expect(login.body.scope).toBe("positions:read");
    const sessionId: string = login.body.session_id;
    await caughtUp();
    expect((await service().reconcile(follower().chain)).sessions?.divergent).toEqual([]);

    // What a follower that missed the revocation would leave: the session still holds orders:write.
    await query(`UPDATE sessions SET scopes = array_append(scopes, 'orders:write') WHERE id = $1`, [
      sessionId,
    ]);
    const report = await service().reconcile(follower().chain);
    expect(report.divergent).toEqual([]);
    expect(report.sessions?.divergent).toEqual([
      {
        sessionId,
        address: viewer.address,
        chainId: 31337,
        walletKind: "eoa",
        held: ["positions:read", "orders:write"],
        kept: ["positions:read"],
        block: { number: expect.any(String), hash: expect.stringMatching(/^0x[0-9a-f]{64}$/) },
      },
    ]);
    expect(report.sessions?.groupsChecked).toBeGreaterThanOrEqual(1);

    const [session] = await query(`SELECT scopes, revoked_at FROM sessions WHERE id = $1`, [sessionId]);
    expect(session).toEqual({ scopes: ["positions:read"], revoked_at: null });
    const me = await api()
      .get("/v1/me")
      .set("Authorization", `Bearer ${login.body.access_token}`)
      .expect(200);
    expect(me.body.scope).toEqual(["positions:read"]);
    const grants = await query(
      `SELECT method, scopes_granted, revoked_reason FROM grants WHERE session_id = $1 ORDER BY issued_at`,
      [sessionId],
    );
    expect(grants).toEqual([
      { method: "siwe", scopes_granted: ["positions:read"], revoked_reason: "scope_removed" },
      { method: "chain_sync", scopes_granted: ["positions:read"], revoked_reason: null },
    ]);
    const [divergence] = await query(
      `SELECT outcome, chain_id, request_id, data FROM audit_events WHERE type = 'session_scope_divergence'`,
    );
    expect(divergence).toMatchObject({ outcome: "failure", chain_id: 31337, request_id: "role-sync" });
    expect(divergence.data).toMatchObject({ count: 1, divergent: [{ sessionId, kept: ["positions:read"] }] });
    const [narrowed] = await query(
      `SELECT data FROM audit_events WHERE type = 'session_narrowed' AND data->>'sessionId' = $1`,
      [sessionId],
    );
    expect(narrowed.data).toMatchObject({ reason: "scope_removed", scopes: ["positions:read"] });
    const metrics = (await api().get("/metrics").expect(200)).text;
    expect(metrics).toMatch(/^sigil_reconciliation_session_divergence\{chain_id="31337"\} 1$/m);
    expect(metrics).toMatch(/^sigil_reconciliation_runs_total\{chain_id="31337",outcome="divergent"\} 1$/m);

    // Narrowed once: the next pass finds nothing and the gauge falls back.
    expect((await service().reconcile(follower().chain)).sessions?.divergent).toEqual([]);
    expect((await api().get("/metrics").expect(200)).text).toMatch(
      /^sigil_reconciliation_session_divergence\{chain_id="31337"\} 0$/m,
    );
  });

  it("C5 sigil reconcile reads every policy source: a pass holder's scopes agree, a session holding more is reported, not narrowed", async () => {
    const [holder, viewer] = [devAccount(ACCOUNTS[0]), devAccount(ACCOUNTS[1])];
    const mint = await write(ADMIN, {
      address: oz.pass,
      abi: devPassAbi,
      functionName: "mint",
      args: [holder.address],
    });
    const [minted] = parseEventLogs({ abi: devPassAbi, eventName: "Transfer", logs: mint.logs });
    await caughtUp();
    const holding = await signIn({ app: sigil.app, account: holder });
    expect(holding.body.scope).toBe("orders:read orders:write positions:read");
    const viewing = await signIn({ app: sigil.app, account: viewer });
    expect(viewing.body.scope).toBe("positions:read");
    const lines: string[] = [];
    const run = () =>
      reconcile({ env: sigil.env, dataSource: sigil.database.dataSource, print: (line) => lines.push(line) });

    // orders:write comes from the pass alone: a registry-only comparison would call it divergent.
    expect(await run()).toBe(true);
    const clean = JSON.parse(lines.at(-1)!).sessions;
    expect(clean.divergent).toEqual([]);
    expect(clean.groupsChecked).toBeGreaterThanOrEqual(2);

    // What a follower that missed a revoking event would leave behind.
    await query(`UPDATE sessions SET scopes = array_append(scopes, 'orders:write') WHERE id = $1`, [
      viewing.body.session_id,
    ]);
    expect(await run()).toBe(false);
    expect(JSON.parse(lines.at(-1)!).sessions.divergent).toEqual([
      {
        sessionId: viewing.body.session_id,
        address: viewer.address,
        chainId: 31337,
        walletKind: "eoa",
        held: ["positions:read", "orders:write"],
        kept: ["positions:read"],
        block: { number: expect.any(String), hash: expect.stringMatching(/^0x[0-9a-f]{64}$/) },
      },
    ]);
    const audit = await query(
      `SELECT data FROM audit_events WHERE type = 'session_scope_divergence' AND request_id = 'cli'`,
    );
    expect(audit).toHaveLength(1);
    expect(audit[0].data).toMatchObject({ count: 1, divergent: [{ sessionId: viewing.body.session_id }] });
    // Reporting only: the service's reconciliation narrows.
    const [session] = await query(`SELECT scopes FROM sessions WHERE id = $1`, [viewing.body.session_id]);
    expect(session.scopes).toEqual(["positions:read", "orders:write"]);
    expect((await service().reconcile(follower().chain)).sessions?.divergent).toHaveLength(1);

    // The random histories below start from accounts without a pass.
    await write(ACCOUNTS[0], {
      address: oz.pass,
      abi: devPassAbi,
      functionName: "transferFrom",
      args: [holder.address, address(ADMIN), minted!.args.tokenId],
    });
    await caughtUp();
  });

  it("P5 while a source on another chain does not answer, reconciliation leaves the sessions it speaks for alone (no narrowing for an outage)", async () => {
    const viewer = devAccount(DevAccountIndex.viewer);
    const login = await signIn({ app: sigil.app, account: viewer });
    const sessionId: string = login.body.session_id;
    await query(`UPDATE sessions SET scopes = array_append(scopes, 'orders:write') WHERE id = $1`, [
      sessionId,
    ]);
    // Another instance whose policy also reads a token on chain 31338, an RPC that refuses connections.
    const policy = JSON.parse(await readFile(sigil.env.SIGIL_POLICY!, "utf8"));
    policy.sources.remote = {
      chain: DOWN_CHAIN,
      kind: "erc20",
      address: oz.token,
      measure: "balance",
      threshold: "1",
    };
    policy.rules.push({ id: "remote", scopes: ["orders:write"], when: ["remote"] });
    const folder = await mkdtemp(path.join(tmpdir(), "sigil-policy-"));
    await writeFile(path.join(folder, "policy.json"), JSON.stringify(policy));
    const chains = JSON.parse(sigil.env.SIGIL_CHAINS!);
    chains.push({
      ...chains[0],
      chainId: DOWN_CHAIN,
      name: "down",
      rpcUrls: ["http://127.0.0.1:9"],
      timeoutMs: 500,
    });
    const outage = await sigil.createInstance({
      SIGIL_CHAINS: JSON.stringify(chains),
      SIGIL_POLICY: path.join(folder, "policy.json"),
    });

    const deferred = await outage.get(RoleSyncService).follower(31337)!.reconcileSessions();
    expect(deferred.divergent).toEqual([]);
    expect(deferred.groupsChecked).toBe(0);
    expect(deferred.groupsDeferred).toBeGreaterThanOrEqual(1);
    const [held] = await query(`SELECT scopes FROM sessions WHERE id = $1`, [sessionId]);
    expect(held.scopes).toEqual(["positions:read", "orders:write"]);

    // Read in full (this instance's policy has no source there), the session is narrowed.
    const report = await service().reconcile(follower().chain);
    expect(report.sessions?.divergent).toEqual([
      expect.objectContaining({ sessionId, kept: ["positions:read"] }),
    ]);
  });

  it("P1 over random histories of role, token, NFT and attestation changes with sign-ins, every live session's scopes stay within a direct read and reconciliation finds nothing", async () => {
    const passes = new Map<number, bigint[]>();
    const attestations = new Map<number, Hex[]>();
    const apply = async ({ op, account }: Step): Promise<void> => {
      switch (op) {
        case "grant":
        case "revoke":
          await write(ADMIN, {
            address: oz.vault,
            abi: devVaultAbi,
            functionName: op === "grant" ? "grantRole" : "revokeRole",
            args: [TRADER_ROLE, address(account)],
          });
          return;
        case "fund":
          await write(ADMIN, {
            address: oz.token,
            abi: erc20Abi,
            functionName: "transfer",
            args: [address(account), parseUnits("100", 18)],
          });
          return;
        case "drain": {
          const balance = await sigil.chain.publicClient.readContract({
            address: oz.token,
            abi: erc20Abi,
            functionName: "balanceOf",
            args: [address(account)],
          });
          // Keep a little: below the threshold but not zero.
          if (balance > 1n)
            await write(account, {
              address: oz.token,
              abi: erc20Abi,
              functionName: "transfer",
              args: [address(ADMIN), balance - 1n],
            });
          return;
        }
        case "mint": {
          const receipt = await write(ADMIN, {
            address: oz.pass,
            abi: devPassAbi,
            functionName: "mint",
            args: [address(account)],
          });
          const [minted] = parseEventLogs({ abi: devPassAbi, eventName: "Transfer", logs: receipt.logs });
          passes.set(account, [...(passes.get(account) ?? []), minted!.args.tokenId]);
          return;
        }
        case "giveAway":
          for (const tokenId of passes.get(account) ?? [])
            await write(account, {
              address: oz.pass,
              abi: devPassAbi,
              functionName: "transferFrom",
              args: [address(account), address(ADMIN), tokenId],
            });
          passes.delete(account);
          return;
        case "attest": {
          const receipt = await write(ATTESTER, {
            address: external.eas,
            abi: easAbi,
            functionName: "attest",
            args: [
              {
                schema: external.kycSchema,
                data: {
                  recipient: address(account),
                  expirationTime: 0n,
                  revocable: true,
                  refUID: zeroHash,
                  data: encodeAbiParameters([{ type: "bool" }], [true]),
                  value: 0n,
                },
              },
            ],
          });
          const [attested] = parseEventLogs({ abi: easAbi, eventName: "Attested", logs: receipt.logs });
          attestations.set(account, [...(attestations.get(account) ?? []), attested!.args.uid]);
          return;
        }
        case "unattest":
          for (const uid of attestations.get(account) ?? [])
            await write(ATTESTER, {
              address: external.eas,
              abi: easAbi,
              functionName: "revoke",
              args: [{ schema: external.kycSchema, data: { uid, value: 0n } }],
            });
          attestations.delete(account);
          return;
        case "signIn": {
          const response = await signIn({ app: sigil.app, account: devAccount(account) });
          expect(response.status).toBe(200);
          return;
        }
      }
    };
    const step = fc.record<Step>({
      op: fc.constantFrom(
        "grant",
        "revoke",
        "fund",
        "drain",
        "mint",
        "giveAway",
        "attest",
        "unattest",
        "signIn",
      ),
      account: fc.constantFrom(...ACCOUNTS),
    });
    // Every history ends with sign-ins, so each run has fresh sessions to check beside older ones.
    const history = fc
      .array(step, { minLength: 3, maxLength: 6 })
      .map((steps): Step[] => [...steps, ...ACCOUNTS.map((account) => ({ op: "signIn" as const, account }))]);
    const reader = sigil.app.get(AccessReaderService);

    await fc.assert(
      fc.asyncProperty(history, async (steps) => {
        for (const s of steps) await apply(s);
        await caughtUp();
        const live = await liveSessions();
        expect(live.length).toBeGreaterThanOrEqual(ACCOUNTS.length);
        for (const session of live) {
          const allowed = (await reader.read(31337, session.address, session.wallet_kind)).scopes;
          expect({
            session: session.id,
            beyond: session.scopes.filter((scope) => !allowed.includes(scope)),
          }).toEqual({
            session: session.id,
            beyond: [],
          });
        }
        const report = await service().reconcile(follower().chain);
        expect(report.divergent).toEqual([]);
        expect(report.sessions).toMatchObject({ groupsDeferred: 0, divergent: [] });
        expect(report.sessions!.groupsChecked).toBeGreaterThanOrEqual(ACCOUNTS.length);
        // Page by page (one group each) the pass covers the same groups.
        expect(await follower().reconcileSessions(1)).toEqual(report.sessions);
      }),
      { numRuns: 10, endOnFailure: true },
    );
  });
});
