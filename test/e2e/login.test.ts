import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import request from "supertest";
import { signIn, type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";

describe("sign in with Ethereum over HTTP", () => {
  let sigil: SigilTestEnvironment;
  beforeAll(async () => {
    sigil = await startSigil();
  });
  afterAll(() => sigil?.close());

  it("dev account 1 gets the TRADER scopes, recorded with the block they were read at", async () => {
    const login = await signIn({ app: sigil.app, account: devAccount(DevAccountIndex.trader) });
    expect(login.status).toBe(200);
    expect(login.body).toMatchObject({
      token_type: "Bearer",
      scope: "orders:read orders:write positions:read",
      sub: `eip155:31337:${devAccount(DevAccountIndex.trader).address}`,
    });
    const me = await request(sigil.app.getHttpServer())
      .get("/v1/me")
      .set("Authorization", `Bearer ${login.body.access_token}`)
      .expect(200);
    const latest = await sigil.chain.publicClient.getBlock();
    expect(me.body).toMatchObject({
      address: devAccount(DevAccountIndex.trader).address,
      chainId: 31337,
      roles: ["TRADER"],
      scope: ["orders:read", "orders:write", "positions:read"],
      sessionId: login.body.session_id,
      rolesCheckedAt: { chainId: 31337, blockNumber: latest.number.toString(), blockHash: latest.hash },
    });
  });
});
