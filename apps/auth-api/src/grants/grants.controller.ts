import { Controller, Get, Query } from "@nestjs/common";
import { ApiBearerAuth, ApiOkResponse, ApiQuery, ApiTags } from "@nestjs/swagger";
import { InsufficientScopeError, InvalidRequestError, Scopes } from "@sigil/core";
import { GrantEntity } from "@sigil/persistence";
import { DataSource, LessThan } from "typeorm";
import { CurrentPrincipal, type Principal } from "../platform/http/principal.js";
import { AuthenticatedFor } from "../platform/http/route-policy.js";
import type { HttpRequest } from "../platform/http/http-types.js";
import type { AccessTokenClaims } from "@sigil/sessions";
import { SCOPE_SOURCES_SCHEMA } from "./scope-sources.schema.js";

/** Another subject's grants need `sigil:admin`, checked by the access guard like any route scope (J9). */
function scopesForSubject(request: HttpRequest, claims: AccessTokenClaims): readonly string[] {
  const subject = (request.query as { subject?: unknown }).subject;
  return subject !== undefined && subject !== claims.sub ? [Scopes.sigilAdmin] : [];
}

/** Grant history: the caller's own; anyone's with the `sigil:admin` scope. */
@ApiTags("grants")
@ApiBearerAuth()
@Controller("v1/grants")
export class GrantsController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @AuthenticatedFor(scopesForSubject)
  @ApiQuery({
    name: "subject",
    required: false,
    description: "CAIP-10 subject (sigil:admin only, for others)",
  })
  @ApiQuery({ name: "before", required: false, description: "ISO time: page to grants issued before it" })
  @ApiQuery({ name: "limit", required: false, description: "1..200, default 50" })
  @ApiOkResponse({
    description: "Grants, newest first; each with its scopes' rule and sources (`scopeSources`)",
    schema: {
      type: "object",
      properties: {
        grants: {
          type: "array",
          items: { type: "object", properties: { scopeSources: SCOPE_SOURCES_SCHEMA } },
        },
      },
    },
  })
  async list(
    @CurrentPrincipal() principal: Principal,
    @Query("subject") subject?: string,
    @Query("before") before?: string,
    @Query("limit") limit?: string,
  ) {
    const target = subject ?? principal.claims.sub;
    // The guard checked this already (scopesForSubject); kept so the two can never drift apart open.
    if (target !== principal.claims.sub && !principal.scopes().has(Scopes.sigilAdmin)) {
      throw new InsufficientScopeError("reading another subject's grants needs sigil:admin", {
        details: { scope: Scopes.sigilAdmin },
      });
    }
    const take = limit === undefined ? 50 : Number(limit);
    if (!Number.isInteger(take) || take < 1 || take > 200)
      throw new InvalidRequestError("limit must be 1..200");
    const beforeDate = before === undefined ? undefined : new Date(before);
    if (beforeDate && Number.isNaN(beforeDate.getTime()))
      throw new InvalidRequestError("before must be an ISO time");
    const rows = await this.dataSource.getRepository(GrantEntity).find({
      where: { subject: target, ...(beforeDate ? { issuedAt: LessThan(beforeDate) } : {}) },
      order: { issuedAt: "DESC" },
      take,
    });
    return {
      grants: rows.map((row) => ({
        id: row.id,
        sessionId: row.sessionId,
        subject: row.subject,
        actor: row.actor,
        method: row.method,
        scopesRequested: row.scopesRequested,
        scopesGranted: row.scopesGranted,
        roles: row.roles,
        block: { chainId: row.chainId, number: row.blockNumber.toString(), hash: row.blockHash },
        scopeSources: row.scopeSources,
        clientAddress: row.clientAddress,
        userAgent: row.userAgent,
        issuedAt: row.issuedAt.toISOString(),
        expiresAt: row.expiresAt.toISOString(),
        revokedAt: row.revokedAt?.toISOString() ?? null,
        revokedReason: row.revokedReason,
      })),
    };
  }
}
