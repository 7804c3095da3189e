import type { INestApplication } from "@nestjs/common";
import { deployPolicyDemoOz, devAccount, DevAccountIndex, devPassAbi, devVaultAbi } from "@sigil/chain/dev";
import request from "supertest";
import { type Address, type Hex, keccak256, parseEventLogs, stringToBytes } from "viem";
import { RoleSyncService } from "../../apps/auth-api/src/index.js";
import {
  botLogin,
  createSessionKey,
  inSeconds,
  proof,
  type SessionKey,
  signDelegation,
} from "../bots/support/bot-flows.js";
import { signedPost } from "../bots/support/signed-call.js";
import { createVenueFor } from "../fixtures/example-venue.js";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { waitFor } from "../guard/support/wait.js";

const ADMIN = DevAccountIndex.admin;
const owner = devAccount(DevAccountIndex.trader);
const TRADER_ROLE = keccak256(stringToBytes("TRADER_ROLE"));
const ALL = ["orders:read", "orders:write", "positions:read"];

/** A bot's token and how it presents it: Bearer for an API key, DPoP with its session key for a delegation. */
interface BotToken {
  name: string;
  token: string;
  sessionId: string;
  key?: SessionKey;
}

/**
 * Policy events reach bot tokens (P1): an owner's API key and delegated session key hold tokens
 * under a policy where an ERC-721 pass grants positions:read and an AccessControl role orders:write.
 * Losing the pass narrows the bots' tokens as it narrows the owner's session; losing the role ends them.
 */
describe("policy events reach bot tokens", () => {
  let sigil: SigilTestEnvironment;
  let venue: INestApplication;
  let venueUrl: string;
  let pass: Address;
  let vault: Address;
  let passId: bigint;
  const api = () => request(sigil.app.getHttpServer());
  const issuer = () => sigil.env.SIGIL_ISSUER!;

  beforeAll(async () => {
    sigil = await startSigil(
      { SIGIL_ROLE_SYNC: "true", SIGIL_ROLE_SYNC_POLL_MS: "50", SIGIL_RECONCILE_INTERVAL_MS: "0" },
      {
        policy: async ({ chain, stack }) => {
          const oz = await deployPolicyDemoOz({
            publicClient: chain.publicClient,
            walletClient: chain.wallet(ADMIN),
          });
          ({ pass, vault } = oz);
          const at = { chain: 31337 };
          return {
            sources: {
              registry: { ...at, kind: "sigil-registry", address: stack.registry },
              pass: { ...at, kind: "erc721", address: oz.pass },
              vault: {
                ...at,
                kind: "access-control",
                address: oz.vault,
                roles: { [TRADER_ROLE]: ["orders:write"] },
              },
            },
            rules: [
              { id: "roles", scopesFrom: "registry", scopes: ["orders:read"] },
              { id: "pass-holders", scopes: ["positions:read"], when: ["pass"] },
              { id: "vault", scopesFrom: "vault" },
            ],
          };
        },
      },
    );
    await sigil.app.listen(0, "127.0.0.1");
    await waitFor(() => sigil.app.get(RoleSyncService).follower(31337)!.steps > 0, { timeoutMs: 10_000 });
    venue = await createVenueFor(sigil, await sigil.app.getUrl());
    await venue.listen(0, "127.0.0.1");
    venueUrl = (await venue.getUrl()).replace("[::1]", "127.0.0.1");
    const minted = await write(ADMIN, {
      address: pass,
      abi: devPassAbi,
      functionName: "mint",
      args: [owner.address],
    });
    passId = parseEventLogs({ abi: devPassAbi, eventName: "Transfer", logs: minted.logs })[0]!.args.tokenId;
    await write(ADMIN, {
      address: vault,
      abi: devVaultAbi,
      functionName: "grantRole",
      args: [TRADER_ROLE, owner.address],
    });
  });

  afterAll(async () => {
    await venue?.close();
    await sigil?.close();
  });

  async function write(
    from: number,
    call: { address: Address; abi: unknown; functionName: string; args: unknown[] },
  ) {
    const hash: Hex = await sigil.chain.wallet(from).writeContract(call as never);
    const receipt = await sigil.chain.publicClient.waitForTransactionReceipt({ hash, pollingInterval: 10 });
    expect(receipt.status).toBe("success");
    return receipt;
  }

  async function ownerLogin() {
    const response = await signIn({ app: sigil.app, account: owner });
    expect(response.status).toBe(200);
    return response.body as { access_token: string; session_id: string; scope: string };
  }

  /** The owner (signed in just now, C6) issues an HMAC API key and delegates to a session key, both for `scopes`. */
  async function issueCredentials(scopes: string[]) {
    const login = await ownerLogin();
    const bearer = `Bearer ${login.access_token}`;
    const apiKey = await api()
      .post("/v1/api-keys")
      .set("Authorization", bearer)
      .send({ alg: "hmac-sha256", scopes, expiresAt: inSeconds(3600) })
      .expect(201);
    const key = createSessionKey("ed25519");
    const body = await signDelegation({ owner, key, terms: { scopes, expiresAt: inSeconds(3600) } });
    const delegation = await api()
      .post("/v1/delegations")
      .set("Authorization", bearer)
      .send(body)
      .expect(201);
    return {
      login,
      apiKey: { id: apiKey.body.id as string, secret: apiKey.body.secret as string },
      delegation: { id: delegation.body.id as string, key },
    };
  }
  type Credentials = Awaited<ReturnType<typeof issueCredentials>>;

  const mintWithKey = (c: Credentials) =>
    signedPost({
      app: sigil.app,
      keyId: c.apiKey.id,
      signer: { alg: "hmac-sha256", secret: c.apiKey.secret },
      target: "/v1/api-keys/token",
    });
  const mintWithDelegation = (c: Credentials) =>
    botLogin({ app: sigil.app, issuer: issuer(), delegationId: c.delegation.id, key: c.delegation.key });

  async function botTokens(c: Credentials): Promise<BotToken[]> {
    const [byKey, byDelegation] = await Promise.all([mintWithKey(c), mintWithDelegation(c)]);
    expect([byKey.status, byDelegation.status]).toEqual([200, 200]);
    return [
      { name: "api key", token: byKey.body.access_token, sessionId: byKey.body.session_id },
      {
        name: "delegation",
        token: byDelegation.body.access_token,
        sessionId: byDelegation.body.session_id,
        key: c.delegation.key,
      },
    ];
  }

  /** The bot's (or owner's) call: Bearer, or DPoP with a fresh proof for this method and URL. */
  function call(base: string, bot: BotToken, method: "get" | "post", path: string) {
    const pending = request(base)[method](path);
    if (!bot.key) return pending.set("Authorization", `Bearer ${bot.token}`);
    return pending
      .set("Authorization", `DPoP ${bot.token}`)
      .set(
        "DPoP",
        proof({ key: bot.key, method: method.toUpperCase(), url: `${base}${path}`, accessToken: bot.token }),
      );
  }
  /** GET /v1/me at the auth-api (a DPoP proof names the issuer's URL, as the auth-api checks it). */
  function me(bot: BotToken) {
    const path = "/v1/me";
    const pending = api().get(path);
    if (!bot.key) return pending.set("Authorization", `Bearer ${bot.token}`);
    return pending
      .set("Authorization", `DPoP ${bot.token}`)
      .set("DPoP", proof({ key: bot.key, method: "GET", url: `${issuer()}${path}`, accessToken: bot.token }));
  }
  const trade = (bot: BotToken) =>
    call(venueUrl, bot, "post", "/orders").send({ market: "BTC-USD", side: "buy", size: "0.1" });
  const positions = (bot: BotToken) => call(venueUrl, bot, "get", "/positions");
  const orders = (bot: BotToken) => call(venueUrl, bot, "get", "/orders");

  async function grantsOf(sessionId: string) {
    return (await sigil.database.dataSource.query(
      `SELECT method, actor, scopes_granted, revoked_reason FROM grants WHERE session_id = $1 ORDER BY issued_at`,
      [sessionId],
    )) as { method: string; actor: string | null; scopes_granted: string[]; revoked_reason: string | null }[];
  }

  it("P1 erc721 pass transferred away: the owner's API-key and delegated tokens lose positions:read within 1 s at Sigil and at the venue; their other scopes keep working", async () => {
    const credentials = await issueCredentials(ALL);
    expect(credentials.login.scope).toBe(ALL.join(" "));
    const owned: BotToken = {
      name: "wallet",
      token: credentials.login.access_token,
      sessionId: credentials.login.session_id,
    };
    const bots = await botTokens(credentials);
    for (const bot of [owned, ...bots]) {
      expect((await me(bot).expect(200)).body.scope).toEqual(ALL);
      await positions(bot).expect(200);
      await trade(bot).expect(201);
    }

    await write(DevAccountIndex.trader, {
      address: pass,
      abi: devPassAbi,
      functionName: "transferFrom",
      args: [owner.address, devAccount(ADMIN).address, passId],
    });
    for (const bot of [owned, ...bots]) {
      const [atSigil, atVenue] = await Promise.all([
        waitFor(
          async () => {
            const response = await me(bot);
            return response.status === 200 && !response.body.scope.includes("positions:read");
          },
          { timeoutMs: 5_000, everyMs: 20 },
        ),
        waitFor(async () => (await positions(bot)).status === 403, { timeoutMs: 5_000, everyMs: 20 }),
      ]);
      expect({ bot: bot.name, atSigil: atSigil < 1_000, atVenue: atVenue < 1_000 }).toEqual({
        bot: bot.name,
        atSigil: true,
        atVenue: true,
      });
      expect((await me(bot).expect(200)).body.scope).toEqual(["orders:read", "orders:write"]);
      await trade(bot).expect(201);
      await orders(bot).expect(200);
    }
    for (const bot of bots) {
      const rows = await grantsOf(bot.sessionId);
      // The narrowing's grant still names the bot acting for the owner.
      const actor = bot.key ? `jkt:${bot.key.jkt}` : `apikey:${credentials.apiKey.id}`;
      expect(rows.map((row) => [row.method, row.actor, row.scopes_granted, row.revoked_reason])).toEqual([
        [bot.key ? "delegation" : "api_key", actor, ALL, "scope_removed"],
        ["chain_sync", actor, ["orders:read", "orders:write"], null],
      ]);
    }

    // The credentials live on: a new token carries what the owner still has.
    expect((await mintWithKey(credentials)).body.scope).toBe("orders:read orders:write");
    expect((await mintWithDelegation(credentials)).body.scope).toBe("orders:read orders:write");
  });

  // Runs after the pass left the owner: orders:read (registry) and orders:write (vault) are left.
  it("P1 access-control role revoked: the owner's API-key and delegated tokens end within 1 s at Sigil and at the venue, as its wallet session does; new tokens carry only what is left", async () => {
    const scopes = ["orders:read", "orders:write"];
    const credentials = await issueCredentials(scopes);
    expect(credentials.login.scope).toBe(scopes.join(" "));
    const owned: BotToken = {
      name: "wallet",
      token: credentials.login.access_token,
      sessionId: credentials.login.session_id,
    };
    const bots = await botTokens(credentials);
    for (const bot of [owned, ...bots]) await trade(bot).expect(201);
    // Credentials for orders:write only: nothing of theirs is left after the revoke.
    const writers = await issueCredentials(["orders:write"]);

    await write(ADMIN, {
      address: vault,
      abi: devVaultAbi,
      functionName: "revokeRole",
      args: [TRADER_ROLE, owner.address],
    });
    for (const bot of [owned, ...bots]) {
      const [atSigil, atVenue] = await Promise.all([
        waitFor(async () => (await me(bot)).status === 401, { timeoutMs: 5_000, everyMs: 20 }),
        waitFor(async () => (await orders(bot)).status === 401, { timeoutMs: 5_000, everyMs: 20 }),
      ]);
      expect({ bot: bot.name, atSigil: atSigil < 1_000, atVenue: atVenue < 1_000 }).toEqual({
        bot: bot.name,
        atSigil: true,
        atVenue: true,
      });
      const rows = await grantsOf(bot.sessionId);
      expect(rows.map((row) => row.revoked_reason)).toEqual(["role_revoked"]);
    }

    // As a wallet signs in again with what is left, the credentials mint tokens without orders:write.
    expect((await ownerLogin()).scope).toBe("orders:read");
    const [byKey, byDelegation] = await Promise.all([
      mintWithKey(credentials),
      mintWithDelegation(credentials),
    ]);
    expect([byKey.status, byKey.body.scope]).toEqual([200, "orders:read"]);
    expect([byDelegation.status, byDelegation.body.scope]).toEqual([200, "orders:read"]);
    const refused = await trade({ name: "api key", token: byKey.body.access_token, sessionId: "" });
    expect(refused.status).toBe(403);
    for (const mint of [mintWithKey(writers), mintWithDelegation(writers)]) {
      const response = await mint;
      expect([response.status, response.body.error]).toEqual([403, "insufficient_scope"]);
    }
  });
});
