// Refresh reuse detection around the grace window (issue 17, J2), through HTTP against real
// Postgres (or PGlite) and a local chain.
import { devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";
import { type Api, bearer, listen } from "./support/http.js";
import { sessionRow } from "./support/rows.js";
import { expectError, signInFor, type Tokens } from "./support/siwe.js";

const trader = devAccount(DevAccountIndex.trader);

describe("J2: refresh reuse inside the grace window", () => {
  let sigil: SigilTestEnvironment;
  /** Default configuration: 10 s refresh-reuse grace. */
  let api: Api;

  beforeAll(async () => {
    sigil = await startSigil();
    api = await listen(sigil.app);
  });
  afterAll(() => sigil?.close());

  const refresh = (token: string, agent = "client-a") =>
    api.post("/v1/auth/refresh").set("User-Agent", agent).send({ refresh_token: token });
  const me = (token: string) => api.get("/v1/me").set(bearer(token));
  const reuseEvents = async (sessionId: string) =>
    (
      await sigil.database.dataSource.query(
        `SELECT outcome, data FROM audit_events WHERE type = 'refresh_token_reuse' AND data->>'sessionId' = $1`,
        [sessionId],
      )
    ).length;
  const liveTokens = async (sessionId: string) =>
    Number(
      (
        await sigil.database.dataSource.query(
          `SELECT count(*) AS n FROM refresh_tokens WHERE session_id = $1 AND revoked_at IS NULL`,
          [sessionId],
        )
      )[0].n,
    );

  async function signIn(): Promise<Tokens> {
    const response = await signInFor(api, { address: trader.address, signer: trader });
    expect(response.status).toBe(200);
    return response.body as Tokens;
  }

  it("J2: the same client replaying inside the grace (a lost response) is answered, and its new token keeps working", async () => {
    const login = await signIn();
    expect((await refresh(login.refresh_token)).status).toBe(200);
    const replay = await refresh(login.refresh_token);
    expect(replay.status).toBe(200);
    const next = await refresh(replay.body.refresh_token);
    expect(next.status).toBe(200);
    await me(next.body.access_token).expect(200);
    expect(await reuseEvents(login.session_id)).toBe(0);
  });

  it("J2: presenting the token a grace replay superseded is reuse: the family is revoked, the replayer's tokens refused, and an audit event written", async () => {
    const login = await signIn();
    const legit = await refresh(login.refresh_token);
    expect(legit.status).toBe(200);
    // The thief replays the stolen parent inside the grace, from what looks like the same client.
    const stolen = await refresh(login.refresh_token);
    expect(stolen.status).toBe(200);
    await me(stolen.body.access_token).expect(200);

    // The real client comes back with the child the replay superseded.
    expectError(await refresh(legit.body.refresh_token), 400, "invalid_grant");

    expectError(await refresh(stolen.body.refresh_token), 400, "invalid_grant");
    expectError(await me(stolen.body.access_token), 401, "invalid_token");
    expectError(await me(legit.body.access_token), 401, "invalid_token");
    expect(await liveTokens(login.session_id)).toBe(0);
    expect(await sessionRow(sigil.database.dataSource, login.session_id)).toMatchObject({
      revoked_reason: "refresh_token_reuse",
    });
    expect(await reuseEvents(login.session_id)).toBe(1);
  });

  it("J2: a replay inside the grace from another client (user agent) is reuse: refused, and the family is revoked", async () => {
    const login = await signIn();
    const legit = await refresh(login.refresh_token, "client-a");
    expect(legit.status).toBe(200);

    expectError(await refresh(login.refresh_token, "client-b"), 400, "invalid_grant");

    expectError(await refresh(legit.body.refresh_token, "client-a"), 400, "invalid_grant");
    expectError(await me(legit.body.access_token), 401, "invalid_token");
    expect(await liveTokens(login.session_id)).toBe(0);
    expect(await reuseEvents(login.session_id)).toBe(1);
  });

  it("J2: a replay inside the grace from another client address is reuse", async () => {
    const login = await signIn();
    expect((await refresh(login.refresh_token)).status).toBe(200);
    // The rotation was answered to another address than the one replaying now (127.0.0.1).
    await sigil.database.dataSource.query(
      `UPDATE refresh_tokens SET client_address = '192.0.2.7' WHERE session_id = $1 AND parent_id IS NOT NULL`,
      [login.session_id],
    );
    expectError(await refresh(login.refresh_token), 400, "invalid_grant");
    expect(await liveTokens(login.session_id)).toBe(0);
    expect(await reuseEvents(login.session_id)).toBe(1);
  });
});
