import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post, Req } from "@nestjs/common";
import { ApiBearerAuth, ApiTags } from "@nestjs/swagger";
import type { HttpRequest } from "../../platform/http/http-types.js";
import { CurrentPrincipal, type Principal } from "../../platform/http/principal.js";
import { Authenticated, ProofAuthenticated } from "../../platform/http/route-policy.js";
import { ApiKeyTokenRequest, CreateApiKeyRequest, RotateApiKeyRequest } from "./api-keys.dto.js";
import { ApiKeysService } from "./api-keys.service.js";
import { TokenEndpointLimit } from "../../platform/rate-limit/token-endpoint-limit.js";

/** Exchange-style API keys: the owner creates, lists, rotates and revokes; a bot signs requests. */
@ApiTags("api-keys")
@Controller("v1/api-keys")
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  /** Creates a key; an HMAC secret is in this answer only (C6: needs a recent sign-in). */
  @Post()
  @Authenticated()
  @ApiBearerAuth()
  @HttpCode(201)
  @Header("Cache-Control", "no-store")
  create(
    @CurrentPrincipal() principal: Principal,
    @Body() body: CreateApiKeyRequest,
    @Req() request: HttpRequest,
  ) {
    return this.keys.create({ principal, body, requestId: request.id ?? "", now: new Date() });
  }

  @Get()
  @Authenticated()
  @ApiBearerAuth()
  async list(@CurrentPrincipal() principal: Principal) {
    return { apiKeys: await this.keys.list(principal.claims.sub) };
  }

  /** A successor key with the same terms; the old one keeps working for `overlapSeconds`. */
  @Post(":id/rotate")
  @Authenticated()
  @ApiBearerAuth()
  @HttpCode(201)
  @Header("Cache-Control", "no-store")
  rotate(
    @CurrentPrincipal() principal: Principal,
    @Param("id") id: string,
    @Body() body: RotateApiKeyRequest,
    @Req() request: HttpRequest,
  ) {
    return this.keys.rotate({
      principal,
      id,
      overlapSeconds: body.overlapSeconds ?? 3600,
      publicKey: body.publicKey,
      requestId: request.id ?? "",
      now: new Date(),
    });
  }

  @Delete(":id")
  @Authenticated()
  @ApiBearerAuth()
  @HttpCode(204)
  async revoke(
    @CurrentPrincipal() principal: Principal,
    @Param("id") id: string,
    @Req() request: HttpRequest,
  ) {
    await this.keys.revoke({ owner: principal.claims.sub, id, requestId: request.id ?? "", now: new Date() });
  }

  /** A signed request (X-Sigil-Key/-Timestamp/-Nonce/-Signature) buys a short-lived Bearer token. */
  @Post("token")
  @ProofAuthenticated("signed_request")
  @TokenEndpointLimit()
  @HttpCode(200)
  @Header("Cache-Control", "no-store")
  token(@Body() body: ApiKeyTokenRequest, @Req() request: HttpRequest) {
    return this.keys.issueToken({ request, scope: body.scope, now: new Date() });
  }
}
