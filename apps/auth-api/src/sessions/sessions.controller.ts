import { Controller, Delete, Get, HttpCode, Param, Req } from "@nestjs/common";
import { ApiBearerAuth, ApiOkResponse, ApiTags } from "@nestjs/swagger";
import { grantedProvenance, NotFoundError } from "@sigil/core";
import { SessionEntity } from "@sigil/persistence";
import type { HttpRequest } from "../platform/http/http-types.js";
import { DataSource, IsNull, MoreThan } from "typeorm";
import { CurrentPrincipal, type Principal } from "../platform/http/principal.js";
import { Authenticated } from "../platform/http/route-policy.js";
import { AllowDelegated } from "../platform/http/allow-delegated.js";
import { SessionService } from "./session.service.js";
import { SCOPE_SOURCES_SCHEMA } from "../grants/scope-sources.schema.js";

/** The caller's own identity and sessions. */
@ApiTags("sessions")
@ApiBearerAuth()
@Controller("v1")
export class SessionsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly sessions: SessionService,
  ) {}

  /**
   * Who the token speaks for, its live scopes (as introspection gives them: 503 role_sync_stale
   * while the chain's roles are unconfirmed), and the on-chain roles and block they were granted from,
   * with each scope's rule and sources.
   */
  @Get("me")
  @ApiOkResponse({
    description:
      "The caller, its live scopes, and the roles, block and per-scope sources they were granted from",
    schema: { type: "object", properties: { scopeSources: SCOPE_SOURCES_SCHEMA } },
  })
  @Authenticated()
  @AllowDelegated()
  async me(@CurrentPrincipal() principal: Principal) {
    const { session, claims } = principal;
    const scope = [...principal.scopes()];
    const grant = await this.sessions.latestGrant(session.id);
    return {
      sub: claims.sub,
      address: session.address,
      chainId: session.chainId,
      scope,
      roles: (grant?.roles ?? []).map((role) => (role as { name: string }).name),
      sessionId: session.id,
      rolesCheckedAt: grant
        ? { chainId: grant.chainId, blockNumber: grant.blockNumber.toString(), blockHash: grant.blockHash }
        : null,
      // The current grant's rule and sources (chain, block) per scope, for the live scopes only (P7).
      scopeSources: grantedProvenance({ provenance: grant?.scopeSources, granted: scope }),
    };
  }

  /** The caller's live sessions (C2: only its own). */
  @Get("sessions")
  @Authenticated()
  async list(@CurrentPrincipal() principal: Principal) {
    const rows = await this.dataSource.getRepository(SessionEntity).find({
      where: { subject: principal.claims.sub, revokedAt: IsNull(), absoluteExpiresAt: MoreThan(new Date()) },
      order: { createdAt: "DESC" },
      take: 100,
    });
    return {
      sessions: rows.map((row) => ({
        id: row.id,
        current: row.id === principal.session.id,
        walletKind: row.walletKind,
        scope: row.scopes,
        createdAt: row.createdAt.toISOString(),
        lastUsedAt: row.lastUsedAt.toISOString(),
        idleExpiresAt: row.idleExpiresAt.toISOString(),
        absoluteExpiresAt: row.absoluteExpiresAt.toISOString(),
        clientAddress: row.clientAddress,
        userAgent: row.userAgent,
      })),
    };
  }

  /** Ends one of the caller's sessions; another wallet's session is "not found" (C2). */
  @Delete("sessions/:id")
  @Authenticated()
  @HttpCode(204)
  async remove(
    @CurrentPrincipal() principal: Principal,
    @Param("id") id: string,
    @Req() request: HttpRequest,
  ) {
    const session = await this.sessions.findActive(id, new Date());
    if (!session || session.subject !== principal.claims.sub) {
      throw new NotFoundError("no such session");
    }
    await this.sessions.revoke({
      sessionId: id,
      reason: "revoked_by_owner",
      now: new Date(),
      requestId: request.id ?? "",
    });
  }
}
