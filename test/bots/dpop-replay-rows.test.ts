// J6: a bot login's DPoP `jti` is stored only once the proof's key is the delegation's key, so a
// self-made key cannot write replay rows.
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import request from "supertest";
import { type SigilTestEnvironment, signIn, startSigil } from "../fixtures/sigil-app.js";
import { createSessionKey, inSeconds, proof, type SessionKey, signDelegation } from "./support/bot-flows.js";

const trader = devAccount(DevAccountIndex.trader);

describe("J6: DPoP replay rows of bot logins", () => {
  let sigil: SigilTestEnvironment;
  const api = () => request(sigil.app.getHttpServer());
  const issuer = () => sigil.env.SIGIL_ISSUER!;

  beforeAll(async () => {
    sigil = await startSigil();
  });
  afterAll(() => sigil?.close());

  const replayRows = async (key: SessionKey) =>
    (
      (await sigil.database.dataSource.query(`SELECT key FROM replay_nonces WHERE key LIKE $1`, [
        `dpop:${key.jkt}:%`,
      ])) as { key: string }[]
    ).map((row) => row.key);

  it("J6: a proof by a self-made key is refused and leaves no replay row; the delegated key's jti is recorded and its replay refused", async () => {
    const owner = await signIn({ app: sigil.app, account: trader });
    expect(owner.status).toBe(200);
    const key = createSessionKey("ed25519");
    const body = await signDelegation({
      owner: trader,
      key,
      terms: { scopes: ["orders:write"], expiresAt: inSeconds(600) },
    });
    const created = await api()
      .post("/v1/delegations")
      .set("Authorization", `Bearer ${owner.body.access_token}`)
      .send(body);
    expect(created.status).toBe(201);
    const path = `/v1/delegations/${created.body.id}/token`;
    const login = (dpop: string) => api().post(path).set("DPoP", dpop).send({});

    const stranger = createSessionKey("ed25519");
    for (let i = 0; i < 3; i += 1) {
      const refused = await login(proof({ key: stranger, method: "POST", url: `${issuer()}${path}` }));
      expect({ status: refused.status, error: refused.body.error }).toEqual({
        status: 401,
        error: "invalid_dpop_proof",
      });
    }
    expect(await replayRows(stranger)).toEqual([]);

    const valid = proof({ key, method: "POST", url: `${issuer()}${path}` });
    expect((await login(valid)).status).toBe(200);
    const [header, payload] = valid.split(".");
    expect(JSON.parse(Buffer.from(header!, "base64url").toString()).typ).toBe("dpop+jwt");
    const { jti } = JSON.parse(Buffer.from(payload!, "base64url").toString()) as { jti: string };
    expect(await replayRows(key)).toEqual([`dpop:${key.jkt}:${jti}`]);
    const replayed = await login(valid);
    expect({ status: replayed.status, error: replayed.body.error }).toEqual({
      status: 401,
      error: "invalid_dpop_proof",
    });
  });
});
