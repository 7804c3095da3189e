import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Req } from "@nestjs/common";
import { ApiBearerAuth, ApiTags } from "@nestjs/swagger";
import type { HttpRequest } from "../../platform/http/http-types.js";
import { CurrentPrincipal, type Principal } from "../../platform/http/principal.js";
import { Authenticated, ProofAuthenticated } from "../../platform/http/route-policy.js";
import { DelegationEntity } from "@sigil/persistence";
import { DataSource } from "typeorm";
import { DpopVerifier } from "../dpop/dpop-verifier.service.js";
import { CreateDelegationRequest, DelegationTokenRequest } from "./delegations.dto.js";
import { DelegationsService } from "./delegations.service.js";
import { TokenEndpointLimit } from "../../platform/rate-limit/token-endpoint-limit.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Delegated session keys: the owner registers, lists, inspects and revokes; the bot logs in. */
@ApiTags("delegations")
@Controller("v1/delegations")
export class DelegationsController {
  constructor(
    private readonly delegations: DelegationsService,
    private readonly dpop: DpopVerifier,
    private readonly dataSource: DataSource,
  ) {}

  /** Registers an EIP-712 delegation (owner token from a recent sign-in, C6). */
  @Post()
  @Authenticated()
  @ApiBearerAuth()
  @HttpCode(201)
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateDelegationRequest,
    @Req() request: HttpRequest,
  ) {
    return this.delegations.create({ principal, body, request, now: new Date() });
  }

  @Get()
  @Authenticated()
  @ApiBearerAuth()
  async list(@CurrentPrincipal() principal: Principal) {
    return { delegations: await this.delegations.list(principal.claims.sub) };
  }

  @Get(":id")
  @Authenticated()
  @ApiBearerAuth()
  get(@CurrentPrincipal() principal: Principal, @Param("id") id: string) {
    return this.delegations.get({ owner: principal.claims.sub, id });
  }

  /** Revokes the delegation and ends its bots' tokens (feed + audit). */
  @Delete(":id")
  @Authenticated()
  @ApiBearerAuth()
  @HttpCode(204)
  async revoke(
    @CurrentPrincipal() principal: Principal,
    @Param("id") id: string,
    @Req() request: HttpRequest,
  ) {
    await this.delegations.revoke({
      owner: principal.claims.sub,
      id,
      requestId: request.id ?? "",
      now: new Date(),
    });
  }

  /** The bot's login: a `DPoP` proof signed by the delegated session key (no bearer credential). */
  @Post(":id/token")
  @ProofAuthenticated("dpop")
  @TokenEndpointLimit()
  @HttpCode(200)
  @Header("Cache-Control", "no-store")
  async token(@Param("id") id: string, @Body() body: DelegationTokenRequest, @Req() request: HttpRequest) {
    // The proof's jti is stored only once its key is the delegation's (J6); unknown ids are refused below.
    const delegateJkt = await this.delegateKeyOf(id);
    if (delegateJkt !== undefined) await this.dpop.confirmKey(request, delegateJkt);
    return this.delegations.issueToken({ id, scope: body.scope, request, now: new Date() });
  }

  private async delegateKeyOf(id: string): Promise<string | undefined> {
    if (!UUID.test(id)) return undefined;
    const row = await this.dataSource
      .getRepository(DelegationEntity)
      .findOne({ where: { id }, select: { id: true, delegateJkt: true } });
    return row?.delegateJkt;
  }
}
