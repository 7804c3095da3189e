// An Express venue that installed @sigil/verify from its tarball.
import express from "express";
import { principalOf, sigilExpress } from "@sigil/verify/express";

const sigil = sigilExpress({
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
const app = express();
app.get("/orders", sigil.requireScopes("orders:read"), (req, res) => {
  const principal = principalOf(req);
  res.json({ address: principal.address, scopes: [...principal.scopes].sort() });
});
app.get("/orders/health", (_req, res) => res.json({ ok: true }));

await sigil.start();
const server = app.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
process.on("SIGTERM", () => server.close(() => sigil.close()));
