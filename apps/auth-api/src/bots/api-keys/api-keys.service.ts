import { Injectable, Logger, type OnModuleInit } from "@nestjs/common";
import {
  botTokenScopes,
  DelegationInactiveError,
  InsufficientScopeError,
  InvalidRequestError,
  narrowDelegation,
  NotFoundError,
} from "@sigil/core";
import { ApiKeyEntity, apiKeySecretContext, SessionEntity } from "@sigil/persistence";
import { type ApiKeyVerifier, ed25519PublicKey, SecretBox, verifySignedRequest } from "@sigil/sessions";
import type { HttpRequest } from "../../platform/http/http-types.js";
import { randomBytes } from "node:crypto";
import { DataSource } from "typeorm";
import { eip191Digest, verifySiweSignature } from "@sigil/siwe";
import { getAddress, type Hex, toHex } from "viem";
import type { Principal } from "../../platform/http/principal.js";
import { AuditService } from "../../platform/audit/audit.service.js";
import { AccessReaderService } from "../../chain/access-reader.service.js";
import { AppConfig, resolveKekProvider } from "@sigil/config";
import {
  assertClientAddress,
  assertClientAllowed,
  assertRecentOwnerLogin,
} from "../credentials/owner-authority.js";
import { ReplayStore } from "../dpop/replay-store.service.js";
import { requestContext } from "../../platform/http/request-context.js";
import { revokeBotCredential } from "../credentials/revoke-bot-credential.js";
import { ownerAccessForMint } from "../credentials/owner-access-for-mint.js";
import { SessionService } from "../../sessions/session.service.js";
import type { CreateApiKeyRequest } from "./api-keys.dto.js";
import { PerKeyLimiter } from "../credentials/per-key-limiter.service.js";
import { BotSessions, type BotTokenResponse } from "../credentials/bot-sessions.service.js";

/** An API key as its owner sees it; `secret` only in the answer that created it. */
export interface ApiKeyView {
  id: string;
  alg: string;
  scopes: string[];
  expiresAt: string;
  allowedClients: string[];
  maxRequestsPerMinute: number;
  replacesId: string | null;
  createdAt: string;
  revokedAt: string | null;
  /** HMAC keys: shown once, never again (the server keeps it sealed under the KEK). */
  secret?: string;
}

/**
 * Exchange-style API keys. Ed25519 keys are stored as their public key only; HMAC secrets must be
 * readable to verify, so they are sealed under the KEK (SecretBox) and shown to the owner once.
 */
@Injectable()
export class ApiKeysService implements OnModuleInit {
  private box!: SecretBox;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly access: AccessReaderService,
    private readonly sessions: SessionService,
    private readonly botSessions: BotSessions,
    private readonly audit: AuditService,
    private readonly replays: ReplayStore,
    private readonly limiter: PerKeyLimiter,
  ) {}

  async onModuleInit(): Promise<void> {
    const logger = new Logger("ApiKeys");
    this.box = new SecretBox(await resolveKekProvider({ config: this.config, warn: (m) => logger.warn(m) }));
  }

  /** A new key with scopes ⊆ the owner's now (C4), from a recent sign-in (C6). */
  async create(p: {
    principal: Principal;
    body: CreateApiKeyRequest;
    requestId: string;
    now: Date;
  }): Promise<ApiKeyView> {
    const { principal, body, now } = p;
    assertRecentOwnerLogin({ principal, maxAgeSeconds: this.config.bots.stepUpMaxAgeSeconds, now });
    const { session } = principal;
    const authority = await this.walletAuthority(session);
    const onChain = await this.access.read(session.chainId, getAddress(session.address), session.walletKind);
    const scopes = narrowDelegation({
      requested: body.scopes,
      ownerScopes: onChain.scopes.filter((scope) => session.scopes.includes(scope)),
      expiresAt: new Date(body.expiresAt * 1000),
      latestExpiry: new Date(now.getTime() + this.config.bots.apiKeyMaxTtlSeconds * 1000),
      now,
    });
    return this.insert({
      owner: session,
      alg: body.alg,
      publicKey: body.publicKey,
      scopes,
      expiresAt: new Date(body.expiresAt * 1000),
      allowedClients: (body.allowedClients ?? []).map(assertClientAddress),
      maxRequestsPerMinute: body.maxRequestsPerMinute ?? 0,
      replacesId: null,
      authority,
      requestId: p.requestId,
      now,
    });
  }

  /** A successor with the same terms; the old key stays valid `overlapSeconds` more, then expires. */
  async rotate(p: {
    principal: Principal;
    id: string;
    overlapSeconds: number;
    publicKey: string | undefined;
    requestId: string;
    now: Date;
  }): Promise<ApiKeyView> {
    assertRecentOwnerLogin({
      principal: p.principal,
      maxAgeSeconds: this.config.bots.stepUpMaxAgeSeconds,
      now: p.now,
    });
    const old = await this.ownedLive(p.principal.claims.sub, p.id, p.now);
    const authority = await this.walletAuthority(p.principal.session);
    const view = await this.insert({
      owner: p.principal.session,
      alg: old.alg,
      publicKey: p.publicKey,
      scopes: old.scopes,
      expiresAt: old.expiresAt,
      allowedClients: old.allowedClients,
      maxRequestsPerMinute: old.maxRequestsPerMinute,
      replacesId: old.id,
      authority,
      requestId: p.requestId,
      now: p.now,
    });
    const overlapEnd = new Date(p.now.getTime() + p.overlapSeconds * 1000);
    await this.dataSource.query(`UPDATE api_keys SET expires_at = LEAST(expires_at, $2) WHERE id = $1`, [
      old.id,
      overlapEnd,
    ]);
    return view;
  }

  async list(owner: string): Promise<ApiKeyView[]> {
    const rows = await this.dataSource
      .getRepository(ApiKeyEntity)
      .find({ where: { ownerSubject: owner }, order: { createdAt: "DESC" }, take: 100 });
    return rows.map(viewOf);
  }

  /** Revokes the key and ends the sessions of tokens it bought, in one commit (feed + audit). */
  async revoke(p: { owner: string; id: string; requestId: string; now: Date }): Promise<void> {
    await this.dataSource.transaction((manager) =>
      revokeBotCredential({ manager, sessions: this.sessions, audit: this.audit, kind: "api_key", ...p }),
    );
  }

  /**
   * Verifies a signed request (A10) and returns the live key that signed it, after its client
   * address and per-key limit checks.
   */
  async authenticate(request: HttpRequest, now: Date): Promise<ApiKeyEntity> {
    let row: ApiKeyEntity | undefined;
    await verifySignedRequest({
      headers: request.headers,
      method: request.method,
      target: request.url,
      body: request.rawBody ?? new Uint8Array(),
      now,
      windowSeconds: this.config.bots.signedRequestWindowSeconds,
      resolveKey: async (keyId) => {
        row = (await this.dataSource.getRepository(ApiKeyEntity).findOneBy({ id: keyId })) ?? undefined;
        if (!row || row.revokedAt !== null || row.expiresAt <= now) return undefined;
        return this.verifierOf(row);
      },
      remember: (key, expiresAt) => this.replays.remember({ key, expiresAt, now }),
    });
    assertClientAllowed({
      allowed: row!.allowedClients,
      clientAddress: requestContext(request).clientAddress,
    });
    await this.limiter.consume({ key: `api_key:${row!.id}`, perMinute: row!.maxRequestsPerMinute });
    return row!;
  }

  /** A Bearer token for the owner, acting `apikey:<id>`, scopes ⊆ key ∩ the owner's on-chain scopes now. */
  async issueToken(p: {
    request: HttpRequest;
    scope: string[] | undefined;
    now: Date;
  }): Promise<BotTokenResponse> {
    // The guard verified the signature (ProofAuthenticated) and attached the key.
    const key = p.request.apiKey ?? (await this.authenticate(p.request, p.now));
    const owner = getAddress(key.ownerAddress);
    const access = await ownerAccessForMint({
      dataSource: this.dataSource,
      access: this.access,
      sessions: this.sessions,
      audit: this.audit,
      kind: "api_key",
      credential: { ...key, digest: key.ownerDigest, signature: key.ownerSignature },
      owner,
      now: p.now,
      requestId: p.request.id ?? "",
      rejected: "the wallet no longer accepts the sign-in that created this key: it is revoked",
    });
    const granted = botTokenScopes({ requested: p.scope, delegated: key.scopes, ownerNow: access.scopes });
    if (granted.length === 0) {
      throw new InsufficientScopeError("the owner's on-chain roles no longer allow any of the key's scopes", {
        details: { scope: key.scopes.join(" ") },
      });
    }
    return this.botSessions.createBotSession({
      context: requestContext(p.request),
      now: p.now,
      owner: {
        subject: key.ownerSubject,
        address: key.ownerAddress,
        chainId: key.chainId,
        walletKind: key.walletKind,
      },
      actor: `apikey:${key.id}`,
      method: "api_key",
      apiKeyId: key.id,
      requestedScopes: p.scope,
      grantedScopes: granted,
      access,
      notAfter: key.expiresAt,
    });
  }

  private async verifierOf(row: ApiKeyEntity): Promise<ApiKeyVerifier> {
    if (row.alg === "ed25519") return { alg: "ed25519", publicKey: ed25519PublicKey(row.publicKey!) };
    const secret = await this.box.open({
      sealed: { kekId: row.kekId!, wrappedKey: row.wrappedDataKey!, ciphertext: row.secretEncrypted! },
      context: apiKeySecretContext(row.id),
    });
    return { alg: "hmac-sha256", secret };
  }

  /**
   * A contract wallet's key records the sign-in that authorised it (digest and signature), checked
   * now and at every mint (J4): a sign-in the wallet no longer accepts creates no key.
   */
  private async walletAuthority(
    session: SessionEntity,
  ): Promise<{ digest: string; signature: string } | null> {
    if (session.walletKind === "eoa" || !session.loginMessage || !session.loginSignature) return null;
    await verifySiweSignature({
      message: session.loginMessage,
      address: getAddress(session.address),
      signature: session.loginSignature as Hex,
      chain: this.access.chain(session.chainId),
    });
    return { digest: toHex(eip191Digest(session.loginMessage)), signature: session.loginSignature };
  }

  private async ownedLive(owner: string, id: string, now: Date): Promise<ApiKeyEntity> {
    const row = await this.dataSource.getRepository(ApiKeyEntity).findOneBy({ id });
    if (!row || row.ownerSubject !== owner) throw new NotFoundError("no such API key");
    if (row.revokedAt !== null || row.expiresAt <= now)
      throw new DelegationInactiveError("this API key is revoked or expired");
    return row;
  }

  private async insert(p: {
    owner: SessionEntity;
    alg: "hmac-sha256" | "ed25519";
    publicKey: string | undefined;
    scopes: string[];
    expiresAt: Date;
    allowedClients: string[];
    maxRequestsPerMinute: number;
    replacesId: string | null;
    authority: { digest: string; signature: string } | null;
    requestId: string;
    now: Date;
  }): Promise<ApiKeyView> {
    const id = `sk_${randomBytes(18).toString("base64url")}`;
    let secret: string | undefined;
    const material: Partial<ApiKeyEntity> = {};
    if (p.alg === "ed25519") {
      if (!p.publicKey)
        throw new InvalidRequestError("an Ed25519 key needs publicKey (raw 32 bytes, base64url)");
      try {
        ed25519PublicKey(p.publicKey);
      } catch (cause) {
        throw new InvalidRequestError("publicKey is not an Ed25519 public key", { cause });
      }
      material.publicKey = p.publicKey;
    } else {
      if (p.publicKey) throw new InvalidRequestError("an HMAC key takes no publicKey");
      secret = randomBytes(32).toString("base64url");
      const sealed = await this.box.seal({
        plaintext: Buffer.from(secret),
        context: apiKeySecretContext(id),
      });
      Object.assign(material, {
        kekId: sealed.kekId,
        wrappedDataKey: sealed.wrappedKey,
        secretEncrypted: sealed.ciphertext,
      });
    }
    const row = Object.assign(new ApiKeyEntity(), {
      id,
      ownerSubject: p.owner.subject,
      ownerAddress: p.owner.address,
      chainId: p.owner.chainId,
      walletKind: p.owner.walletKind,
      alg: p.alg,
      publicKey: null,
      kekId: null,
      wrappedDataKey: null,
      secretEncrypted: null,
      ...material,
      scopes: p.scopes,
      expiresAt: p.expiresAt,
      maxRequestsPerMinute: p.maxRequestsPerMinute,
      allowedClients: p.allowedClients,
      replacesId: p.replacesId,
      ownerDigest: p.authority?.digest ?? null,
      ownerSignature: p.authority?.signature ?? null,
      createdAt: p.now,
      revokedAt: null,
      revokedReason: null,
    });
    await this.dataSource.transaction(async (manager) => {
      await manager.getRepository(ApiKeyEntity).insert(row);
      await this.audit.record(manager, {
        type: "api_key_created",
        outcome: "success",
        subject: row.ownerSubject,
        chainId: row.chainId,
        requestId: p.requestId,
        occurredAt: p.now,
        data: { apiKeyId: id, alg: p.alg, scopes: p.scopes, replaces: p.replacesId },
      });
    });
    return { ...viewOf(row), ...(secret === undefined ? {} : { secret }) };
  }
}

function viewOf(row: ApiKeyEntity): ApiKeyView {
  return {
    id: row.id,
    alg: row.alg,
    scopes: row.scopes,
    expiresAt: row.expiresAt.toISOString(),
    allowedClients: row.allowedClients,
    maxRequestsPerMinute: row.maxRequestsPerMinute,
    replacesId: row.replacesId,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
