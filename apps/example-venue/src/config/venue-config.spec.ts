import { ConfigInvalidError } from "@sigil/core";
import { loadVenueConfig } from "./venue-config.js";

const env = {
  SIGIL_ISSUER: "http://127.0.0.1:3000",
  SIGIL_AUDIENCE: "urn:sigil:venue",
  SIGIL_JWKS_URL: "http://127.0.0.1:3000/.well-known/jwks.json",
  VENUE_CLIENT_ID: "venue",
  VENUE_CLIENT_SECRET: "3f1c0b5e9d7a4c2e8b6f",
};

function invalidKey(overrides: Record<string, string | undefined>): string {
  try {
    loadVenueConfig({ ...env, ...overrides });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigInvalidError);
    expect((error as Error).message).not.toContain(env.VENUE_CLIENT_SECRET);
    return String((error as ConfigInvalidError).details?.key);
  }
  return "accepted";
}

describe("loadVenueConfig", () => {
  it("applies the defaults: 127.0.0.1:3001, no revocation feed", () => {
    expect(loadVenueConfig(env)).toMatchObject({
      host: "127.0.0.1",
      port: 3001,
      issuer: env.SIGIL_ISSUER,
      audience: "urn:sigil:venue",
      revocationsUrl: undefined,
      clientId: "venue",
    });
  });

  it("reads the revocation feed URL and treats an empty variable as unset", () => {
    expect(
      loadVenueConfig({ ...env, SIGIL_REVOCATIONS_URL: "http://127.0.0.1:3000/v1/revocations", PORT: "" }),
    ).toMatchObject({ revocationsUrl: "http://127.0.0.1:3000/v1/revocations", port: 3001 });
  });

  it("J9: reads VENUE_PUBLIC_URL (the DPoP htu base) without a trailing slash; unset by default", () => {
    expect(loadVenueConfig(env).publicUrl).toBeUndefined();
    expect(loadVenueConfig({ ...env, VENUE_PUBLIC_URL: "https://venue.example/api/" }).publicUrl).toBe(
      "https://venue.example/api",
    );
  });

  it.each([
    [{ VENUE_PUBLIC_URL: "ftp://venue.example" }, "VENUE_PUBLIC_URL"],
    [{ VENUE_PUBLIC_URL: "https://venue.example/?x=1" }, "VENUE_PUBLIC_URL"],
    [{ SIGIL_ISSUER: undefined }, "SIGIL_ISSUER"],
    [{ SIGIL_AUDIENCE: "" }, "SIGIL_AUDIENCE"],
    [{ SIGIL_JWKS_URL: "file:///etc/jwks.json" }, "SIGIL_JWKS_URL"],
    [{ SIGIL_REVOCATIONS_URL: "not a url" }, "SIGIL_REVOCATIONS_URL"],
    [{ VENUE_CLIENT_ID: undefined }, "VENUE_CLIENT_ID"],
    [{ VENUE_CLIENT_SECRET: "changeme" }, "VENUE_CLIENT_SECRET"],
    [{ PORT: "70000" }, "PORT"],
  ])("rejects %j naming %s", (overrides, key) => {
    expect(invalidKey(overrides)).toBe(key);
  });
});
