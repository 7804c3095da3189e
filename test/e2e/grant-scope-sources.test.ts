import type { INestApplication } from "@nestjs/common";
import { deployPolicyDemoOz, devAccount, DevAccountIndex } from "@sigil/chain/dev";
import type { ScopeProvenance, ScopeSource } from "@sigil/core";
import hre from "hardhat";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import request from "supertest";
import { type Address, getAddress } from "viem";
import { inSeconds } from "../bots/support/bot-flows.js";
import { signedPost } from "../bots/support/signed-call.js";
import { signIn, type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";
import { SessionService } from "../../apps/auth-api/src/sessions/session.service.js";
import { SessionEntity } from "@sigil/persistence";

const trader = devAccount(DevAccountIndex.trader);

/** A policy of two sources on the local chain: the registry's roles and an ERC-721 pass. */
function writePolicy(registry: Address, pass: Address): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), "sigil-policy-")), "policy.json");
  const policy = {
    sources: {
      registry: { kind: "sigil-registry", chain: 31337, address: registry },
      pass: { kind: "erc721", chain: 31337, address: pass },
    },
    rules: [
      { id: "traders", scopesFrom: "registry" },
      { id: "pass-holders", scopes: ["passes:read"], when: ["pass"] },
      { id: "vip", scopes: ["vip:enter"], when: ["registry", "pass"] },
    ],
  };
  writeFileSync(file, JSON.stringify(policy));
  return file;
}

describe("grant rows record each scope's rule and sources (issue 19)", () => {
  let sigil: SigilTestEnvironment;
  let app: INestApplication;
  let registry: ScopeSource;
  let pass: ScopeSource;
  const api = () => request(app.getHttpServer());

  beforeAll(async () => {
    sigil = await startSigil();
    const demo = await deployPolicyDemoOz({
      publicClient: sigil.chain.publicClient,
      walletClient: sigil.chain.wallet(DevAccountIndex.admin),
      seed: { passHolder: trader.address },
    });
    app = await sigil.createInstance({ SIGIL_POLICY: writePolicy(sigil.stack.registry, demo.pass) });
    const at = { chainId: 31337, blockNumber: "", blockHash: "0x" } as const;
    registry = {
      source: "registry",
      kind: "sigil-registry",
      address: getAddress(sigil.stack.registry),
      ...at,
    };
    pass = { source: "pass", kind: "erc721", address: getAddress(demo.pass), ...at };
  });
  afterAll(() => sigil?.close());

  /** The latest block, which a sign-in reads (no block cache in tests, automine mines only on a transaction). */
  async function latestBlock() {
    const block = await sigil.chain.publicClient.getBlock();
    return { blockNumber: block.number.toString(), blockHash: block.hash };
  }

  const at = (source: ScopeSource, block: Pick<ScopeSource, "blockNumber" | "blockHash">) => ({
    ...source,
    ...block,
  });

  async function grantRows(sessionId: string) {
    return (await sigil.database.dataSource.query(
      `SELECT method, scopes_granted, scope_sources FROM grants WHERE session_id = $1 ORDER BY issued_at`,
      [sessionId],
    )) as {
      method: string;
      scopes_granted: string[];
      scope_sources: Record<string, ScopeProvenance> | null;
    }[];
  }

  it("P7 grant rows name rule, sources and blocks per scope", async () => {
    const block = await latestBlock();
    // Asks for two of the TRADER role's scopes, both pass scopes, and one the policy never grants.
    const login = await signIn({
      app,
      account: trader,
      scope: ["orders:read", "passes:read", "vip:enter", "sigil:admin"],
    });
    expect(login.status).toBe(200);
    expect(login.body.scope).toBe("orders:read passes:read vip:enter");
    // Nothing was mined meanwhile: the block read is the one before and after the sign-in.
    expect(await latestBlock()).toEqual(block);
    const expected = {
      "orders:read": { rule: "traders", sources: [at(registry, block)] },
      "passes:read": { rule: "pass-holders", sources: [at(pass, block)] },
      "vip:enter": { rule: "vip", sources: [at(registry, block), at(pass, block)] },
    };
    const sessionId = login.body.session_id as string;
    // Only the granted scopes: orders:write and positions:read were allowed but not asked for.
    expect(await grantRows(sessionId)).toEqual([
      {
        method: "siwe",
        scopes_granted: ["orders:read", "passes:read", "vip:enter"],
        scope_sources: expected,
      },
    ]);
    const bearer = `Bearer ${login.body.access_token}`;
    const me = await api().get("/v1/me").set("Authorization", bearer).expect(200);
    expect(me.body).toMatchObject({
      scope: ["orders:read", "passes:read", "vip:enter"],
      rolesCheckedAt: { chainId: 31337, ...block },
      scopeSources: expected,
    });
    const grants = await api().get("/v1/grants").set("Authorization", bearer).expect(200);
    expect(grants.body.grants[0]).toMatchObject({ sessionId, method: "siwe", scopeSources: expected });

    // A refresh re-reads the policy at the new latest block and records that block.
    await hre.network.provider.request({ method: "evm_mine" });
    const next = await latestBlock();
    expect(next).not.toEqual(block);
    const refreshed = await api()
      .post("/v1/auth/refresh")
      .send({ refresh_token: login.body.refresh_token })
      .expect(200);
    const afterRefresh = {
      "orders:read": { rule: "traders", sources: [at(registry, next)] },
      "passes:read": { rule: "pass-holders", sources: [at(pass, next)] },
      "vip:enter": { rule: "vip", sources: [at(registry, next), at(pass, next)] },
    };
    expect((await grantRows(sessionId))[1]).toEqual({
      method: "refresh",
      scopes_granted: ["orders:read", "passes:read", "vip:enter"],
      scope_sources: afterRefresh,
    });
    const meAfter = await api()
      .get("/v1/me")
      .set("Authorization", `Bearer ${refreshed.body.access_token}`)
      .expect(200);
    expect(meAfter.body.scopeSources).toEqual(afterRefresh);
  });

  it("P7 an API key's grant names the sources of the key's scopes only", async () => {
    const login = await signIn({ app, account: trader });
    expect(login.status).toBe(200);
    const created = await api()
      .post("/v1/api-keys")
      .set("Authorization", `Bearer ${login.body.access_token}`)
      .send({ alg: "hmac-sha256", scopes: ["passes:read"], expiresAt: inSeconds(3600) })
      .expect(201);
    const block = await latestBlock();
    const token = await signedPost({
      app,
      keyId: created.body.id,
      signer: { alg: "hmac-sha256", secret: created.body.secret },
      target: "/v1/api-keys/token",
    });
    expect(token.status).toBe(200);
    expect(token.body.scope).toBe("passes:read");
    const expected = { "passes:read": { rule: "pass-holders", sources: [at(pass, block)] } };
    expect(await grantRows(token.body.session_id)).toEqual([
      { method: "api_key", scopes_granted: ["passes:read"], scope_sources: expected },
    ]);
    const me = await api()
      .get("/v1/me")
      .set("Authorization", `Bearer ${token.body.access_token}`)
      .expect(200);
    expect(me.body.scopeSources).toEqual(expected);
  });

  it("P7 a narrowing's grant keeps the kept scopes' sources: its own read's, else the superseded grant's", async () => {
    const block = await latestBlock();
    const login = await signIn({ app, account: trader, scope: ["orders:read", "passes:read", "vip:enter"] });
    expect(login.status).toBe(200);
    const sessionId = login.body.session_id as string;
    const narrow = (scopes: string[], provenance?: Record<string, ScopeProvenance>) =>
      sigil.database.dataSource.transaction(async (manager) => {
        const session = await manager
          .getRepository(SessionEntity)
          .findOneOrFail({ where: { id: sessionId }, lock: { mode: "pessimistic_write" } });
        await app.get(SessionService).narrowWithin(manager, {
          session,
          scopes,
          reason: "scope_removed",
          access: {
            address: trader.address,
            roles: [],
            scopes,
            block: { chainId: 31337, number: BigInt(block.blockNumber), hash: block.blockHash },
            ...(provenance ? { provenance } : {}),
          },
          now: new Date(),
          requestId: "test",
        });
      });

    const lapses = new Date("2030-01-01T00:00:00.000Z");
    const validUntil = async () =>
      (
        (await sigil.database.dataSource.query(`SELECT scopes_valid_until FROM sessions WHERE id = $1`, [
          sessionId,
        ])) as { scopes_valid_until: Date | null }[]
      )[0]!.scopes_valid_until;
    await sigil.database.dataSource.query(`UPDATE sessions SET scopes_valid_until = $2 WHERE id = $1`, [
      sessionId,
      lapses,
    ]);

    // A registry-only re-read carries no provenance: the login grant's, for the kept scopes.
    await narrow(["orders:read", "vip:enter"]);
    expect(await validUntil()).toEqual(lapses);
    const carried = {
      "orders:read": { rule: "traders", sources: [at(registry, block)] },
      "vip:enter": { rule: "vip", sources: [at(registry, block), at(pass, block)] },
    };
    expect((await grantRows(sessionId))[1]).toEqual({
      method: "chain_sync",
      scopes_granted: ["orders:read", "vip:enter"],
      scope_sources: carried,
    });
    // A read with provenance records its own, restricted to the kept scopes.
    const own = {
      rule: "traders",
      sources: [at(registry, { blockNumber: "1", blockHash: `0x${"cd".repeat(32)}` })],
    };
    await narrow(["orders:read"], { "orders:read": own, "orders:write": own });
    // A policy read without a lapsing answer: the session's scopes no longer lapse by themselves.
    expect(await validUntil()).toBeNull();
    expect((await grantRows(sessionId))[2]).toEqual({
      method: "chain_sync",
      scopes_granted: ["orders:read"],
      scope_sources: { "orders:read": own },
    });
    const me = await api()
      .get("/v1/me")
      .set("Authorization", `Bearer ${login.body.access_token}`)
      .expect(200);
    expect(me.body).toMatchObject({ scope: ["orders:read"], scopeSources: { "orders:read": own } });
  });
});
