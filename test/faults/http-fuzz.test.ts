// J12 in `npm test`: HTTP-level fuzzing of every route of the OpenAPI document against a running
// app (real database and chain); `npm run fuzz` runs the same property far longer.
import { checkHttpRoutes, type OpenApiDocument, routesOf } from "../../scripts/fuzz/http-properties.js";
import { type Api, listen } from "../e2e/support/http.js";
import { type SigilTestEnvironment, startSigil } from "../fixtures/sigil-app.js";

const numRuns = Number(process.env.HTTP_FUZZ_RUNS ?? 3000);

describe("J12: HTTP-level fuzzing over the OpenAPI routes", () => {
  let sigil: SigilTestEnvironment;
  let api: Api;

  beforeAll(async () => {
    sigil = await startSigil();
    api = await listen(sigil.app);
  });
  afterAll(async () => {
    await sigil?.close();
  });

  it(`J12: ${numRuns} random requests over every documented route: no 5xx, every error a JSON {error, message, requestId}`, async () => {
    const document = (await api.get("/openapi.json").expect(200)).body as OpenApiDocument;
    const routes = routesOf(document);
    expect(routes.length).toBeGreaterThan(20);
    const bodyRoutes = routes.filter((route) => route.fields.length > 0).map((route) => route.path);
    expect(bodyRoutes).toEqual(
      expect.arrayContaining(["/v1/auth/challenge", "/v1/auth/login", "/v1/auth/refresh", "/oauth/revoke"]),
    );
    await checkHttpRoutes({ numRuns, baseUrl: await sigil.app.getUrl(), routes });
  }, 120_000);
});
