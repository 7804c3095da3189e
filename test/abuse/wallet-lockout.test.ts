// J1: requests that prove nothing (no verifying signature) can never ban or exhaust a wallet's
// sign-in for other client addresses; failures carrying the wallet's own signature still count.
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import type { INestApplication } from "@nestjs/common";
import request from "supertest";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";
import { CHAIN_ID, expectError, siweMessage } from "../e2e/support/siwe.js";

const victim = devAccount(DevAccountIndex.viewer);
const attacker = privateKeyToAccount(generatePrivateKey());

/** Requests from client address `ip` (the test instances trust the loopback proxy's X-Forwarded-For). */
function from(app: INestApplication, ip: string) {
  const server = app.getHttpServer();
  return {
    challenge: (address: string) =>
      request(server)
        .post("/v1/auth/challenge")
        .set("X-Forwarded-For", ip)
        .send({ address, chainId: CHAIN_ID }),
    login: (message: string, signature: string) =>
      request(server).post("/v1/auth/login").set("X-Forwarded-For", ip).send({ message, signature }),
  };
}

/** Challenge → the victim signs → login, from `ip`. */
async function victimSignsIn(app: INestApplication, ip: string) {
  const client = from(app, ip);
  const challenge = await client.challenge(victim.address);
  if (challenge.status !== 200) return challenge;
  const { message } = challenge.body as { message: string };
  return client.login(message, await victim.signMessage({ message }));
}

describe("J1: wallet sign-in cannot be locked out by requests that prove nothing", () => {
  let sigil: SigilTestEnvironment;
  const limited = {
    SIGIL_TRUSTED_PROXIES: "loopback",
    SIGIL_AUTH_RATE_LIMIT_IP: "1000",
    SIGIL_AUTH_RATE_LIMIT_ADDRESS: "3",
    SIGIL_RATE_LIMIT_BAN_THRESHOLD: "2",
    SIGIL_RATE_LIMIT_BAN_SECONDS: "60",
  };
  beforeAll(async () => {
    sigil = await startSigil();
  });
  afterAll(() => sigil?.close());

  const walletBans = async (wallet: string) =>
    (await sigil.database.dataSource.query(
      `SELECT data FROM audit_events WHERE type = 'security.ban'
         AND data->'details'->>'keyKind' = 'wallet' AND lower(data->>'subject') = lower($1)`,
      [wallet],
    )) as unknown[];

  it("J1: challenges and bad-signature logins naming W from client X are throttled for X; W still signs in from Y, and no wallet ban exists", async () => {
    const app = await sigil.createInstance(limited);
    const x = from(app, "203.0.113.10");
    const statuses: number[] = [];
    for (let i = 0; i < 12; i += 1) statuses.push((await x.challenge(victim.address)).status);
    for (let i = 0; i < 12; i += 1) {
      const message = siweMessage({ address: victim.address, nonce: `nonce${i}abcdefgh` });
      const signature = i % 2 ? await attacker.signMessage({ message }) : `0x${"11".repeat(65)}`;
      statuses.push((await x.login(message, signature)).status);
    }
    // X's own budget for W is spent (it is the attacker who is throttled and banned).
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(-5)).toEqual([429, 429, 429, 429, 429]);
    expectError(await x.challenge(victim.address), 429, "rate_limited");

    const y = await victimSignsIn(app, "198.51.100.20");
    expect({ status: y.status, error: y.body.error }).toEqual({ status: 200, error: undefined });
    expect(await walletBans(victim.address)).toEqual([]);
    const attackerBans = await sigil.database.dataSource.query(
      `SELECT 1 FROM audit_events WHERE type = 'security.ban' AND data->>'clientAddress' = '203.0.113.10'
         AND data->'details'->>'keyKind' = 'ip_wallet'`,
    );
    expect(attackerBans.length).toBeGreaterThan(0);
  });

  it("J1: bad signatures naming W from many client addresses never spend W's sign-in budget", async () => {
    const app = await sigil.createInstance(limited);
    for (let client = 1; client <= 8; client += 1) {
      const x = from(app, `192.0.2.${client}`);
      for (let i = 0; i < 3; i += 1) {
        const { body } = await x.challenge(victim.address);
        const message = (body as { message: string }).message;
        // Signed by someone else, or not a signature at all: neither proves anything about W.
        const signature = i === 0 ? `0x${"22".repeat(65)}` : await attacker.signMessage({ message });
        const response = await x.login(message, signature);
        expect(response.status).toBe(401);
      }
    }
    const y = await victimSignsIn(app, "198.51.100.21");
    expect(y.status).toBe(200);
    expect(await walletBans(victim.address)).toEqual([]);
  });

  it("J1: failures carrying W's own verifying signature (used nonce, wrong domain) spend W's wallet budget for every client", async () => {
    const app = await sigil.createInstance(limited);
    const wallet = privateKeyToAccount(generatePrivateKey());
    const first = from(app, "203.0.113.30");
    const { body } = await first.challenge(wallet.address);
    const signed = (body as { message: string }).message;
    const signature = await wallet.signMessage({ message: signed });
    expect((await first.login(signed, signature)).status).toBe(200);

    // A replay of the used message (counted once however often it comes), and two phishing sites' messages.
    expectError(await from(app, "203.0.113.31").login(signed, signature), 401, "nonce_used");
    expect((await from(app, "203.0.113.32").login(signed, signature)).status).toBe(401);
    for (const [index, nonce] of ["phishednonce0001", "phishednonce0002"].entries()) {
      const phished = siweMessage({ address: wallet.address, nonce, domain: "evil.test" });
      const phishedLogin = await from(app, `203.0.113.${33 + index}`).login(
        phished,
        await wallet.signMessage({ message: phished }),
      );
      expect(phishedLogin.status).toBeGreaterThanOrEqual(400);
      expect(phishedLogin.status).toBeLessThan(429);
    }

    // Three distinct verified failures spend the wallet's budget (3): any client is refused for the window.
    const other = from(app, "198.51.100.34");
    const refused = await other.challenge(wallet.address);
    expectError(refused, 429, "rate_limited");
    expect(Number(refused.headers["retry-after"])).toBeGreaterThanOrEqual(1);
    // Another wallet is unaffected.
    expect((await victimSignsIn(app, "198.51.100.34")).status).toBe(200);
  });

  it("J1: replaying one captured signed message, however often and from however many clients, never locks the wallet", async () => {
    const app = await sigil.createInstance(limited);
    const wallet = privateKeyToAccount(generatePrivateKey());
    const owner = from(app, "203.0.113.40");
    const { body } = await owner.challenge(wallet.address);
    const signed = (body as { message: string }).message;
    const signature = await wallet.signMessage({ message: signed });
    expect((await owner.login(signed, signature)).status).toBe(200);

    for (let i = 0; i < 10; i += 1) {
      expectError(await from(app, `198.51.100.${100 + i}`).login(signed, signature), 401, "nonce_used");
    }
    const fresh = await owner.challenge(wallet.address);
    expect(fresh.status).toBe(200);
    const message = (fresh.body as { message: string }).message;
    expect((await owner.login(message, await wallet.signMessage({ message }))).status).toBe(200);
  });
});
