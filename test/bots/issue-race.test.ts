// A delegation or API key revoked while a token is being minted (issue 17, J8), against real
// Postgres (or PGlite) and a local chain: the mint is held at its owner-scope read meanwhile.
import type { INestApplication } from "@nestjs/common";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import request from "supertest";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { expectError } from "../e2e/support/siwe.js";
import { botLogin, createSessionKey, inSeconds, signDelegation } from "./support/bot-flows.js";
import { type HoldingRpc, startHoldingRpc } from "./support/holding-rpc.js";
import { signedPost } from "./support/signed-call.js";

const trader = devAccount(DevAccountIndex.trader);

describe("J8: revoking a credential while a token is minted", () => {
  let sigil: SigilTestEnvironment;
  let rpc: HoldingRpc;
  /** An instance whose chain reads go through `rpc` (the one the bot mints on). */
  let held: INestApplication;
  const api = () => request(sigil.app.getHttpServer());

  beforeAll(async () => {
    sigil = await startSigil();
    rpc = await startHoldingRpc(sigil.chain.url);
    held = await sigil.createInstance({
      SIGIL_CHAINS: JSON.stringify([
        {
          chainId: 31337,
          name: "local",
          rpcUrls: [rpc.url],
          registry: sigil.stack.registry,
          timeoutMs: 5000,
        },
      ]),
    });
  });
  afterAll(async () => {
    rpc?.release();
    await sigil?.close();
    await rpc?.close();
  });

  async function owner() {
    const response = await signIn({ app: sigil.app, account: trader });
    expect(response.status).toBe(200);
    return response.body.access_token as string;
  }

  /** Live bot sessions issued under the credential. */
  const liveSessions = async (column: "delegation_id" | "api_key_id", id: string) =>
    Number(
      (
        await sigil.database.dataSource.query(
          `SELECT count(*) AS n FROM sessions WHERE ${column} = $1 AND revoked_at IS NULL`,
          [id],
        )
      )[0].n,
    );

  /** Starts `mint` on the held instance, revokes via `revoke` while it waits at its chain read. */
  async function raceRevoke(mint: () => PromiseLike<request.Response>, revoke: () => Promise<void>) {
    rpc.hold();
    const minting = Promise.resolve(mint());
    try {
      await rpc.held();
      await revoke();
    } finally {
      rpc.release();
    }
    return minting;
  }

  it("J8: a delegation revoked while its bot's token is being minted yields no live token", async () => {
    const token = await owner();
    const key = createSessionKey();
    const body = await signDelegation({
      owner: trader,
      key,
      terms: { scopes: ["orders:write"], expiresAt: inSeconds(3600) },
    });
    const created = await api().post("/v1/delegations").set("Authorization", `Bearer ${token}`).send(body);
    expect(created.status).toBe(201);
    const delegationId = created.body.id as string;

    const minted = await raceRevoke(
      () => botLogin({ app: held, issuer: sigil.env.SIGIL_ISSUER!, delegationId, key }),
      async () => {
        await api()
          .delete(`/v1/delegations/${delegationId}`)
          .set("Authorization", `Bearer ${token}`)
          .expect(204);
      },
    );

    expectError(minted, 401, "delegation_inactive");
    expect(await liveSessions("delegation_id", delegationId)).toBe(0);
  });

  it("J8: an API key revoked while its token is being minted yields no live token", async () => {
    const token = await owner();
    const created = await api()
      .post("/v1/api-keys")
      .set("Authorization", `Bearer ${token}`)
      .send({ alg: "hmac-sha256", scopes: ["orders:write"], expiresAt: inSeconds(3600) });
    expect(created.status).toBe(201);
    const apiKey = created.body as { id: string; secret: string };

    const minted = await raceRevoke(
      () =>
        signedPost({
          app: held,
          keyId: apiKey.id,
          signer: { alg: "hmac-sha256", secret: apiKey.secret },
          target: "/v1/api-keys/token",
        }),
      async () => {
        await api().delete(`/v1/api-keys/${apiKey.id}`).set("Authorization", `Bearer ${token}`).expect(204);
      },
    );

    expectError(minted, 401, "delegation_inactive");
    expect(await liveSessions("api_key_id", apiKey.id)).toBe(0);
  });

  it("J8: without a revocation the held mint completes (the hold itself refuses nothing)", async () => {
    const token = await owner();
    const key = createSessionKey();
    const body = await signDelegation({
      owner: trader,
      key,
      terms: { scopes: ["orders:write"], expiresAt: inSeconds(3600) },
    });
    const created = await api().post("/v1/delegations").set("Authorization", `Bearer ${token}`).send(body);
    expect(created.status).toBe(201);
    const minted = await raceRevoke(
      () => botLogin({ app: held, issuer: sigil.env.SIGIL_ISSUER!, delegationId: created.body.id, key }),
      async () => {},
    );
    expect(minted.status).toBe(200);
    expect(await liveSessions("delegation_id", created.body.id)).toBe(1);
  });
});
