// HTTP helpers for the e2e suites: a listening app (concurrent requests need one real port) and
// the two credentials Sigil accepts.
import type { INestApplication } from "@nestjs/common";
import request from "supertest";
import { VENUE_CLIENT } from "../../fixtures/sigil-app.js";

/** A supertest agent bound to one HTTP port of the app (started on 127.0.0.1 if not yet listening). */
export type Api = ReturnType<typeof request>;

/**
 * Makes `app` listen on a free local port and returns a client for it. supertest's default (one
 * ephemeral listen per request) races when dozens of requests are in flight at once.
 */
export async function listen(app: INestApplication): Promise<Api> {
  const server = app.getHttpServer();
  if (!server.listening) await app.listen(0, "127.0.0.1");
  return request(await app.getUrl());
}

/** `Authorization: Bearer <token>`. */
export function bearer(token: string): Record<string, string> {
  return { Authorization: `Bearer ${token}` };
}

/** HTTP Basic client credentials (RFC 6749 §2.3.1), by default the registered venue's. */
export function basic(
  id: string = VENUE_CLIENT.id,
  secret: string = VENUE_CLIENT.secret,
): Record<string, string> {
  return { Authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}` };
}
