// J11: at SIGIL_LOG_LEVEL=trace, a run through every credential-bearing flow, with an RPC URL that
// carries user:password credentials and then fails, leaves no secret in any log line.
import type { INestApplication } from "@nestjs/common";
import { createApp, loadConfig } from "../../apps/auth-api/src/index.js";
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import request from "supertest";
import { toHex } from "viem";
import { botLogin, createSessionKey, inSeconds, signDelegation } from "../bots/support/bot-flows.js";
import { signedPost } from "../bots/support/signed-call.js";
import { captureOutput } from "../e2e/support/output.js";
import { serviceSigningKey } from "../e2e/support/forge.js";
import { type RpcProxy, startRpcProxy } from "../fixtures/rpc-proxy.js";
import { type SigilTestEnvironment, signIn, startSigil, VENUE_CLIENT } from "../fixtures/sigil-app.js";

const trader = devAccount(DevAccountIndex.trader);
const RPC_USER = "sigil-rpc";
const RPC_PASSWORD = `rpc-pw-${randomBytes(12).toString("hex")}`;
/** A provider key in the URL's path, as Infura and Alchemy URLs carry one. */
const RPC_PATH_KEY = `rpc-key-${randomBytes(12).toString("hex")}`;

describe("J11: secrets in logs at level trace", () => {
  let sigil: SigilTestEnvironment;
  let proxy: RpcProxy;
  let app: INestApplication;
  const lines: string[] = [];

  beforeAll(async () => {
    sigil = await startSigil();
    proxy = await startRpcProxy(sigil.chain.url);
    const rpcUrl = `${proxy.url.replace("http://", `http://${RPC_USER}:${RPC_PASSWORD}@`)}/v3/${RPC_PATH_KEY}`;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
        done();
      },
    });
    app = await createApp({
      config: loadConfig({
        ...sigil.env,
        SIGIL_LOG_LEVEL: "trace",
        SIGIL_CHAINS: JSON.stringify([
          {
            chainId: 31337,
            name: "local",
            rpcUrls: [rpcUrl],
            registry: sigil.stack.registry,
            timeoutMs: 1000,
          },
        ]),
      }),
      dataSource: sigil.database.dataSource,
      logStream: sink,
    });
  });
  afterAll(async () => {
    await app?.close();
    await proxy?.close();
    await sigil?.close();
  });

  it("J11: sign-in, refresh, bot delegation, API keys, introspection and a failing RPC log no token, secret, KEK, private key or RPC credential", async () => {
    const http = () => request(app.getHttpServer());
    const { result: secrets, output } = await captureOutput(async () => {
      const secrets: Record<string, string> = {};
      // Sign-in and refresh.
      const login = await signIn({ app, account: trader });
      expect(login.status).toBe(200);
      secrets.accessToken = login.body.access_token;
      secrets.refreshToken = login.body.refresh_token;
      const refreshed = await http().post("/v1/auth/refresh").send({ refresh_token: secrets.refreshToken });
      expect(refreshed.status).toBe(200);
      secrets.refreshedAccess = refreshed.body.access_token;
      secrets.refreshedRefresh = refreshed.body.refresh_token;
      const bearer = `Bearer ${secrets.refreshedAccess}`;
      // Bot delegation: the owner delegates to a session key, the bot logs in with DPoP.
      const key = createSessionKey();
      const delegation = await http()
        .post("/v1/delegations")
        .set("Authorization", bearer)
        .send(
          await signDelegation({
            owner: trader,
            key,
            terms: { scopes: ["orders:write"], expiresAt: inSeconds(3600) },
          }),
        );
      expect(delegation.status).toBe(201);
      const bot = await botLogin({
        app,
        issuer: sigil.env.SIGIL_ISSUER!,
        delegationId: delegation.body.id,
        key,
      });
      expect(bot.status).toBe(200);
      secrets.botToken = bot.body.access_token;
      secrets.sessionKey = (key.privateKey.export({ format: "jwk" }) as { d: string }).d;
      // API key: created, then used through a signed request.
      const created = await http()
        .post("/v1/api-keys")
        .set("Authorization", bearer)
        .send({ alg: "hmac-sha256", scopes: ["orders:write"], expiresAt: inSeconds(3600) });
      expect(created.status).toBe(201);
      secrets.apiKeySecret = created.body.secret;
      const used = await signedPost({
        app,
        keyId: created.body.id,
        signer: { alg: "hmac-sha256", secret: created.body.secret },
        target: "/v1/api-keys/token",
      });
      expect(used.status).toBe(200);
      secrets.apiKeyToken = used.body.access_token;
      // Introspection by the resource server, with its client secret; and with a wrong one.
      const basic = Buffer.from(`${VENUE_CLIENT.id}:${VENUE_CLIENT.secret}`).toString("base64");
      const introspected = await http()
        .post("/oauth/introspect")
        .set("Authorization", `Basic ${basic}`)
        .send({ token: secrets.apiKeyToken });
      expect(introspected.body.active).toBe(true);
      const wrongSecret = `wrong-${randomBytes(16).toString("hex")}`;
      await http()
        .post("/oauth/introspect")
        .set("Authorization", `Basic ${Buffer.from(`${VENUE_CLIENT.id}:${wrongSecret}`).toString("base64")}`)
        .send({ token: secrets.accessToken })
        .expect(401);
      // A failing RPC: sign-in and readiness need the chain, which now answers 503.
      proxy.down = true;
      const failed = await signIn({ app, account: trader });
      expect(failed.status).toBe(503);
      expect(failed.body.error).toBe("rpc_unavailable");
      await http().get("/health/ready").expect(503);
      proxy.down = false;
      Object.assign(secrets, {
        clientSecret: VENUE_CLIENT.secret,
        clientBasic: basic,
        wrongSecret,
        kek: sigil.env.SIGIL_KEK!,
        kekHex: Buffer.from(sigil.env.SIGIL_KEK!, "base64").toString("hex"),
        walletKey: toHex(trader.getHdKey().privateKey!).slice(2),
        signingKey: (
          (await serviceSigningKey(sigil.database.dataSource, sigil.env.SIGIL_KEK!)).privateKey.export({
            format: "jwk",
          }) as { d: string }
        ).d,
        rpcPassword: RPC_PASSWORD,
        rpcPathKey: RPC_PATH_KEY,
        rpcBasic: Buffer.from(`${RPC_USER}:${RPC_PASSWORD}`).toString("base64"),
      });
      return secrets;
    });
    const logged = `${output}\n${lines.join("\n")}`;
    // The run was logged in detail, the RPC failure included: a leak would have shown.
    expect(lines.length).toBeGreaterThan(15);
    expect(logged).toContain("rpc_unavailable");
    const leaked = Object.entries(secrets)
      .filter(([, value]) => logged.includes(value))
      .map(([name]) => name);
    expect(leaked).toEqual([]);
    // The RPC URL's credentials still reach the RPC, as a Basic Authorization header.
    expect(proxy.authorizations).toContain(`Basic ${secrets.rpcBasic}`);
  });
});
