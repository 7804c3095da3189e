import type { INestApplication } from "@nestjs/common";

/** Serves `app` on a free loopback port and returns its base URL. */
export async function listen(app: INestApplication): Promise<string> {
  await app.listen(0, "127.0.0.1");
  const { port } = app.getHttpServer().address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

/** The payload of a compact JWS, unverified (tests compare it with database rows). */
export function tokenClaims(token: string): { sid: string; iat: number; jti: string } {
  return JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString("utf8"));
}
