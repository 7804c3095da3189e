// A Fastify venue that installed @sigil/verify from its tarball.
import Fastify from "fastify";
import { sigilFastify } from "@sigil/verify/fastify";

const app = Fastify();
await app.register(sigilFastify, {
  issuer: process.env.SIGIL_ISSUER,
  audience: process.env.SIGIL_AUDIENCE,
  jwksUrl: `${process.env.SIGIL_URL}/.well-known/jwks.json`,
  revocations: {
    url: `${process.env.SIGIL_URL}/v1/revocations`,
    clientId: process.env.VENUE_CLIENT_ID,
    clientSecret: process.env.VENUE_CLIENT_SECRET,
    longPollMs: 5000,
  },
});
app.get("/orders", { preHandler: app.sigil.requireScopes("orders:read") }, async (request) => ({
  address: request.sigilPrincipal.address,
  scopes: [...request.sigilPrincipal.scopes].sort(),
}));
app.get("/orders/health", async () => ({ ok: true }));

await app.listen({ port: 0, host: "127.0.0.1" });
console.log(JSON.stringify({ port: app.server.address().port }));
process.on("SIGTERM", () => app.close());
