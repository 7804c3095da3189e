import { Injectable } from "@nestjs/common";
import { grantScopes, InvalidGrantError, InvalidRequestError } from "@sigil/core";
import { hashRefreshToken, isRefreshTokenShape, randomSecret } from "@sigil/sessions";
import {
  createSiweMessage,
  isOwnEoaSignature,
  parseSiweMessage,
  SignatureMismatchError,
  validateSiweMessage,
  verifySiweSignature,
} from "@sigil/siwe";
import { getAddress, type Hex, isAddress } from "viem";
import type { StatementBatcher } from "@sigil/persistence";
import { DataSource } from "typeorm";
import { AccessReaderService } from "../chain/access-reader.service.js";
import { AppConfig } from "@sigil/config";
import { MetricsService } from "../platform/metrics/metrics.service.js";
import { readNonceRefusal, createNonceWriter, type NonceRow } from "@sigil/persistence";
import { type RequestContext, SessionService } from "../sessions/session.service.js";
import type { TokenResponse } from "@sigil/core";
import { scopesFromResources, scopesToResources } from "./scope-resources.js";
import { LoginSessions } from "./login-sessions.service.js";

/** Statement of server-prepared challenges; the scopes follow under Resources. */
const CHALLENGE_STATEMENT = "Sign in to Sigil. The scopes you grant are listed under Resources.";

export interface IssuedNonce {
  nonce: string;
  expiresAt: Date;
}

/** Sign-In with Ethereum: nonces, server-prepared challenges, login and refresh. */
@Injectable()
export class LoginService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly access: AccessReaderService,
    private readonly sessions: SessionService,
    private readonly loginSessions: LoginSessions,
    metrics: MetricsService,
  ) {
    this.nonces = createNonceWriter(dataSource, (size) =>
      metrics.writeBatchSize.observe({ statement: "nonce" }, size),
    );
  }

  private readonly nonces: StatementBatcher<NonceRow, void>;

  /** A fresh single-use nonce: 128 bits from the CSPRNG, stored with its expiry (A1, H2). */
  async issueNonce(p: {
    now: Date;
    address?: string;
    chainId?: number;
    requestedScopes?: string[];
  }): Promise<IssuedNonce> {
    const nonce = randomSecret(16).toString("hex");
    const expiresAt = new Date(p.now.getTime() + this.config.lifetimes.nonce * 1000);
    await this.nonces.run({
      nonce,
      address: p.address ?? null,
      chainId: p.chainId ?? null,
      requestedScopes: p.requestedScopes ?? null,
      issuedAt: p.now,
      expiresAt,
    });
    return { nonce, expiresAt };
  }

  /** A server-prepared EIP-4361 message for `address` on `chainId`, to be signed verbatim. */
  async challenge(p: { now: Date; address: string; chainId: number; scopes: string[] | undefined }) {
    if (!isAddress(p.address, { strict: false }))
      throw new InvalidRequestError("address is not an Ethereum address");
    const address = getAddress(p.address);
    this.access.chain(p.chainId);
    const { nonce, expiresAt } = await this.issueNonce({
      now: p.now,
      address,
      chainId: p.chainId,
      requestedScopes: p.scopes,
    });
    const message = createSiweMessage({
      domain: this.config.siwe.domain,
      address,
      statement: CHALLENGE_STATEMENT,
      uri: this.config.siwe.uri,
      version: "1",
      chainId: p.chainId,
      nonce,
      issuedAt: p.now.toISOString(),
      expirationTime: expiresAt.toISOString(),
      ...(p.scopes && p.scopes.length > 0 ? { resources: scopesToResources(p.scopes) } : {}),
    });
    return { nonce, message, expiresAt };
  }

  /**
   * Verifies a signed SIWE message and opens a session: strict parse, domain/URI/chain/time
   * binding, nonce checks, signature (EOA locally; contract wallets on the message's chain), roles
   * at a recorded block, then one transaction that consumes the nonce and records everything.
   */
  async login(p: {
    message: string;
    signature: string;
    context: RequestContext;
    now: Date;
  }): Promise<TokenResponse> {
    const message = parseSiweMessage(p.message);
    validateSiweMessage({
      message,
      expected: {
        domain: this.config.siwe.domain,
        uri: this.config.siwe.uri,
        chainIds: this.config.chains.map((chain) => chain.chainId),
      },
      now: p.now,
    });
    const requestedScopes = scopesFromResources(message.resources);
    // An EOA's own signature is checked locally in microseconds. When its roles are cached too,
    // nothing before the recording statement costs more than asking Postgres about the nonce, so
    // that statement alone checks and consumes it (one round trip less). RPC work (a contract
    // wallet's check, a roles read) happens only after the nonce is known to be live.
    const eoa = await isOwnEoaSignature(p.message, message.address, p.signature);
    const cachedAccess = eoa ? this.access.cached(message.chainId, message.address, "eoa") : undefined;
    if (!cachedAccess) {
      await this.checkNonce({
        nonce: message.nonce,
        address: message.address,
        chainId: message.chainId,
        now: p.now,
      });
    }
    const { walletKind } = eoa
      ? { walletKind: "eoa" as const }
      : await verifySiweSignature({
          message: p.message,
          address: message.address,
          signature: p.signature as Hex,
          chain: this.access.chain(message.chainId),
        });
    const access = await (cachedAccess ?? this.access.read(message.chainId, message.address, walletKind));
    const { granted } = grantScopes({ requested: requestedScopes, allowed: access.scopes });
    return this.loginSessions.createLoginSession({
      context: p.context,
      now: p.now,
      nonce: message.nonce,
      subject: `eip155:${message.chainId}:${message.address}`,
      address: message.address,
      chainId: message.chainId,
      walletKind,
      requestedScopes,
      grantedScopes: granted,
      access,
      ...(walletKind === "eoa" ? {} : { login: { message: p.message, signature: p.signature } }),
    });
  }

  /**
   * Rotates a refresh token after re-reading the roles (the grant narrows or widens with them)
   * and, for contract wallets, re-verifying the login signature (A9): a wallet whose owner
   * changed loses its session.
   */
  async refresh(p: { refreshToken: string; context: RequestContext; now: Date }): Promise<TokenResponse> {
    if (!isRefreshTokenShape(p.refreshToken)) throw new InvalidGrantError("refresh token is not valid");
    const tokenHash = hashRefreshToken(p.refreshToken);
    const session = await this.sessions.sessionOfRefreshToken(tokenHash);
    if (session.walletKind !== "eoa" && session.loginMessage && session.loginSignature) {
      try {
        await verifySiweSignature({
          message: session.loginMessage,
          address: getAddress(session.address),
          signature: session.loginSignature as Hex,
          chain: this.access.chain(session.chainId),
        });
      } catch (error) {
        if (!(error instanceof SignatureMismatchError)) throw error;
        await this.sessions.revoke({
          sessionId: session.id,
          reason: "wallet_signature_invalid",
          now: p.now,
          requestId: p.context.requestId,
        });
        throw new InvalidGrantError("the wallet no longer accepts the login signature: session revoked", {
          cause: error,
        });
      }
    }
    const access = await this.access.read(session.chainId, getAddress(session.address), session.walletKind);
    const { granted } = grantScopes({
      requested: session.requestedScopes ?? undefined,
      allowed: access.scopes,
    });
    return this.sessions.rotateRefresh({
      context: p.context,
      now: p.now,
      tokenHash,
      grantedScopes: granted,
      access,
    });
  }

  /** Cheap checks before any RPC work; the atomic consume happens at commit. */
  private async checkNonce(p: { nonce: string; address: string; chainId: number; now: Date }): Promise<void> {
    const refusal = await readNonceRefusal(this.dataSource, p);
    if (refusal) throw refusal;
  }
}
