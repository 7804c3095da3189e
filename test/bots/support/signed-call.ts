import type { INestApplication } from "@nestjs/common";
import { type ApiKeySigner, signRequest } from "@sigil/sessions";
import request from "supertest";

/** A signed `POST target` with a JSON body at the auth-api; `tamper` changes the request after signing. */
export function signedPost(p: {
  app: INestApplication;
  keyId: string;
  signer: ApiKeySigner;
  target: string;
  body?: object;
  now?: Date;
  nonce?: string;
  tamper?: { target?: string; body?: string; headers?: Record<string, string> };
}) {
  const body = JSON.stringify(p.body ?? {});
  const headers = signRequest({
    keyId: p.keyId,
    signer: p.signer,
    method: "POST",
    target: p.target,
    body,
    now: p.now ?? new Date(),
    ...(p.nonce ? { nonce: p.nonce } : {}),
  });
  return request(p.app.getHttpServer())
    .post(p.tamper?.target ?? p.target)
    .set({ ...headers, ...p.tamper?.headers, "content-type": "application/json" })
    .send(p.tamper?.body ?? body);
}
