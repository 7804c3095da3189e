import { Injectable } from "@nestjs/common";
import {
  botTokenScopes,
  DelegationInactiveError,
  DelegationNonceUsedError,
  DelegationSignatureInvalidError,
  delegationTypedData,
  InsufficientScopeError,
  InvalidRequestError,
  narrowDelegation,
  NotFoundError,
} from "@sigil/core";
import { DelegationEntity } from "@sigil/persistence";
import {
  type DpopAlgorithm,
  InvalidDpopProofError,
  publicJwkFor,
  publicJwkThumbprint,
} from "@sigil/sessions";
import type { HttpRequest } from "../../platform/http/http-types.js";
import { randomUUID } from "node:crypto";
import { DataSource } from "typeorm";
import { SignatureInvalidError, SignatureMismatchError, verifyHashSignature } from "@sigil/siwe";
import { getAddress, hashTypedData, type Hex } from "viem";
import type { Principal } from "../../platform/http/principal.js";
import { PerKeyLimiter } from "../credentials/per-key-limiter.service.js";
import { AuditService } from "../../platform/audit/audit.service.js";
import { AccessReaderService } from "../../chain/access-reader.service.js";
import { AppConfig } from "@sigil/config";
import { requestContext } from "../../platform/http/request-context.js";
import { revokeBotCredential } from "../credentials/revoke-bot-credential.js";
import { SessionService } from "../../sessions/session.service.js";
import type { CreateDelegationRequest } from "./delegations.dto.js";
import {
  assertClientAddress,
  assertClientAllowed,
  assertRecentOwnerLogin,
} from "../credentials/owner-authority.js";
import { ownerAccessForMint } from "../credentials/owner-access-for-mint.js";
import { BotSessions, type BotTokenResponse } from "../credentials/bot-sessions.service.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A delegation as its owner sees it (never the signature's evidence beyond its presence). */
export interface DelegationView {
  id: string;
  owner: string;
  delegateJkt: string;
  scopes: string[];
  expiresAt: string;
  maxRequestsPerMinute: number;
  allowedClients: string[];
  createdAt: string;
  revokedAt: string | null;
  revokedReason: string | null;
  /** Bot sessions still live under it. */
  liveSessions?: number;
}

/**
 * Delegated session keys: the owner registers an EIP-712 delegation; the bot proves possession of
 * the key (DPoP) to get short-lived tokens for the owner (`sub`), naming itself (`act`), bound to
 * the key (`cnf.jkt`), with scopes ⊆ delegation ∩ the owner's current on-chain scopes.
 */
@Injectable()
export class DelegationsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly access: AccessReaderService,
    private readonly sessions: SessionService,
    private readonly botSessions: BotSessions,
    private readonly audit: AuditService,
    private readonly limiter: PerKeyLimiter,
  ) {}

  /** Registers a delegation the owner signed (C4 narrowing, C6 recent sign-in). */
  async create(p: { principal: Principal; body: CreateDelegationRequest; request: HttpRequest; now: Date }) {
    const { principal, body, now } = p;
    assertRecentOwnerLogin({ principal, maxAgeSeconds: this.config.bots.stepUpMaxAgeSeconds, now });
    const { session } = principal;
    const jkt = thumbprintOf(body.delegateJwk);
    const allowedClients = (body.allowedClients ?? []).map(assertClientAddress);
    const owner = getAddress(session.address);
    const message = {
      owner,
      delegateJkt: jkt,
      scopes: body.scopes,
      expiresAt: BigInt(body.expiresAt),
      maxRequestsPerMinute: body.maxRequestsPerMinute ?? 0,
      allowedClients: body.allowedClients ?? [],
      nonce: body.nonce as Hex,
    };
    const digest = hashTypedData(delegationTypedData({ chainId: session.chainId, message }) as never);
    // EOAs, EIP-1271 and EIP-6492 wallets alike, on the owner's own chain, through SIWE's capped,
    // deadline-bound path (J5): an unreachable chain is rpc_unavailable, never "not signed".
    try {
      await verifyHashSignature({
        hash: digest,
        address: owner,
        signature: body.signature as Hex,
        chain: this.access.chain(session.chainId),
      });
    } catch (error) {
      if (!(error instanceof SignatureMismatchError || error instanceof SignatureInvalidError)) throw error;
      throw new DelegationSignatureInvalidError("the delegation is not signed by this wallet on this chain", {
        cause: error,
      });
    }
    const onChain = await this.access.read(session.chainId, owner, session.walletKind);
    const ownerNow = onChain.scopes.filter((scope) => session.scopes.includes(scope));
    const scopes = narrowDelegation({
      requested: body.scopes,
      ownerScopes: ownerNow,
      expiresAt: new Date(body.expiresAt * 1000),
      latestExpiry: session.absoluteExpiresAt,
      now,
    });
    const row: DelegationEntity = Object.assign(new DelegationEntity(), {
      id: randomUUID(),
      ownerSubject: session.subject,
      ownerAddress: session.address,
      chainId: session.chainId,
      walletKind: session.walletKind,
      delegateJkt: jkt,
      scopes,
      expiresAt: new Date(body.expiresAt * 1000),
      maxRequestsPerMinute: message.maxRequestsPerMinute,
      allowedClients,
      nonce: body.nonce.toLowerCase(),
      signature: body.signature,
      signedDigest: digest,
      createdAt: now,
      revokedAt: null,
      revokedReason: null,
    });
    await this.dataSource.transaction(async (manager) => {
      const inserted: unknown[] = await manager.query(
        `INSERT INTO delegations (id, owner_subject, owner_address, chain_id, wallet_kind, delegate_jkt,
           scopes, expires_at, max_requests_per_minute, allowed_clients, nonce, signature, created_at,
           signed_digest)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT (chain_id, owner_address, nonce) DO NOTHING RETURNING id`,
        [
          row.id,
          row.ownerSubject,
          row.ownerAddress,
          row.chainId,
          row.walletKind,
          row.delegateJkt,
          row.scopes,
          row.expiresAt,
          row.maxRequestsPerMinute,
          row.allowedClients,
          row.nonce,
          row.signature,
          row.createdAt,
          row.signedDigest,
        ],
      );
      if (inserted.length !== 1)
        throw new DelegationNonceUsedError("this signed delegation was already registered");
      await this.audit.record(manager, {
        type: "delegation_created",
        outcome: "success",
        subject: session.subject,
        chainId: session.chainId,
        requestId: p.request.id ?? "",
        occurredAt: now,
        data: { delegationId: row.id, delegateJkt: jkt, scopes, expiresAt: row.expiresAt.toISOString() },
      });
    });
    return viewOf(row);
  }

  /** The owner's delegations, newest first (C2: only its own). */
  async list(owner: string): Promise<DelegationView[]> {
    const rows = await this.dataSource
      .getRepository(DelegationEntity)
      .find({ where: { ownerSubject: owner }, order: { createdAt: "DESC" }, take: 100 });
    return rows.map(viewOf);
  }

  /** One of the owner's delegations; another owner's is "not found" (C2). */
  async get(p: { owner: string; id: string }): Promise<DelegationView> {
    const row = await this.find(p.id);
    if (!row || row.ownerSubject !== p.owner) throw new NotFoundError("no such delegation");
    const [{ count }] = await this.dataSource.query(
      `SELECT count(*)::int AS count FROM sessions
        WHERE delegation_id = $1 AND revoked_at IS NULL AND absolute_expires_at > now()`,
      [row.id],
    );
    return { ...viewOf(row), liveSessions: count };
  }

  /** Revokes a delegation and every bot session under it, with feed and audit rows, in one commit. */
  async revoke(p: { owner: string; id: string; requestId: string; now: Date }): Promise<void> {
    if (!UUID.test(p.id)) throw new NotFoundError("no such delegation");
    await this.dataSource.transaction((manager) =>
      revokeBotCredential({ manager, sessions: this.sessions, audit: this.audit, kind: "delegation", ...p }),
    );
  }

  /**
   * The bot's login: a DPoP proof signed by the delegated key (RFC 9449 §5) buys a token whose
   * scopes are requested ∩ delegation ∩ the owner's scopes on chain now.
   */
  async issueToken(p: {
    id: string;
    scope: string[] | undefined;
    request: HttpRequest;
    now: Date;
  }): Promise<BotTokenResponse> {
    const row = await this.find(p.id);
    if (!row || row.revokedAt !== null || row.expiresAt <= p.now) {
      throw new DelegationInactiveError("this delegation is unknown, revoked or expired");
    }
    // The guard verified the proof (ProofAuthenticated); here it must be by the delegated key.
    if (p.request.dpopProof?.jkt !== row.delegateJkt) {
      throw new InvalidDpopProofError("key_mismatch", "the proof is not signed by the delegated key");
    }
    const context = requestContext(p.request);
    assertClientAllowed({ allowed: row.allowedClients, clientAddress: context.clientAddress });
    await this.limiter.consume({ key: `delegation:${row.id}`, perMinute: row.maxRequestsPerMinute });
    const owner = getAddress(row.ownerAddress);
    const access = await ownerAccessForMint({
      dataSource: this.dataSource,
      access: this.access,
      sessions: this.sessions,
      audit: this.audit,
      kind: "delegation",
      credential: { ...row, digest: row.signedDigest, signature: row.signature },
      owner,
      now: p.now,
      requestId: p.request.id ?? "",
      rejected: "the wallet no longer accepts this delegation's signer: it is revoked",
    });
    const granted = botTokenScopes({ requested: p.scope, delegated: row.scopes, ownerNow: access.scopes });
    if (granted.length === 0) {
      throw new InsufficientScopeError("the owner's on-chain roles no longer allow any delegated scope", {
        details: { scope: row.scopes.join(" ") },
      });
    }
    return this.botSessions.createBotSession({
      context,
      now: p.now,
      owner: {
        subject: row.ownerSubject,
        address: row.ownerAddress,
        chainId: row.chainId,
        walletKind: row.walletKind,
      },
      actor: `jkt:${row.delegateJkt}`,
      method: "delegation",
      delegationId: row.id,
      keyThumbprint: row.delegateJkt,
      requestedScopes: p.scope,
      grantedScopes: granted,
      access,
      notAfter: row.expiresAt,
    });
  }

  private async find(id: string): Promise<DelegationEntity | null> {
    if (!UUID.test(id)) return null;
    return this.dataSource.getRepository(DelegationEntity).findOneBy({ id });
  }
}

/** The RFC 7638 thumbprint of a session key's public JWK, choosing the algorithm by its curve. */
function thumbprintOf(jwk: Record<string, unknown>): string {
  const alg: DpopAlgorithm | undefined =
    jwk.crv === "Ed25519"
      ? "EdDSA"
      : jwk.crv === "secp256k1"
        ? "ES256K"
        : jwk.crv === "P-256"
          ? "ES256"
          : undefined;
  try {
    if (!alg) throw new TypeError("unsupported curve");
    return publicJwkThumbprint(publicJwkFor(alg, jwk));
  } catch (cause) {
    throw new InvalidRequestError("delegateJwk must be an Ed25519, secp256k1 or P-256 public JWK", { cause });
  }
}

function viewOf(row: DelegationEntity): DelegationView {
  return {
    id: row.id,
    owner: row.ownerSubject,
    delegateJkt: row.delegateJkt,
    scopes: row.scopes,
    expiresAt: row.expiresAt.toISOString(),
    maxRequestsPerMinute: row.maxRequestsPerMinute,
    allowedClients: row.allowedClients,
    createdAt: row.createdAt.toISOString(),
    revokedAt: row.revokedAt?.toISOString() ?? null,
    revokedReason: row.revokedReason,
  };
}
