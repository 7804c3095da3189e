import { Controller, Get, Header } from "@nestjs/common";
import { ApiTags } from "@nestjs/swagger";
import { Scopes } from "@sigil/core";
import { Public } from "../platform/http/route-policy.js";
import { AppConfig, JWKS_MAX_AGE_SECONDS } from "@sigil/config";
import { SigningKeysService } from "../keys/signing-keys.service.js";

/** Keys and RFC 8414 metadata, for resource servers that verify tokens offline. */
@ApiTags("well-known")
@Controller(".well-known")
export class WellKnownController {
  constructor(
    private readonly config: AppConfig,
    private readonly keys: SigningKeysService,
  ) {}

  @Get("jwks.json")
  @Public()
  // Short cache: keys are published JWKS_MAX_AGE_SECONDS or more before they sign.
  @Header("Cache-Control", `public, max-age=${JWKS_MAX_AGE_SECONDS}`)
  jwks() {
    return this.keys.jwks();
  }

  @Get("oauth-authorization-server")
  @Public()
  @Header("Cache-Control", "public, max-age=300")
  metadata() {
    const issuer = this.config.issuer;
    return {
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      token_endpoint: `${issuer}/v1/auth/refresh`,
      revocation_endpoint: `${issuer}/oauth/revoke`,
      revocation_endpoint_auth_methods_supported: ["none", "client_secret_basic"],
      introspection_endpoint: `${issuer}/oauth/introspect`,
      introspection_endpoint_auth_methods_supported: ["client_secret_basic"],
      grant_types_supported: ["refresh_token"],
      response_types_supported: [],
      token_endpoint_auth_methods_supported: ["none"],
      scopes_supported: Object.values(Scopes),
      service_documentation: `${issuer}/docs`,
      // Sigil extensions: where SIWE sign-in starts.
      siwe_nonce_endpoint: `${issuer}/v1/auth/nonce`,
      siwe_challenge_endpoint: `${issuer}/v1/auth/challenge`,
      siwe_login_endpoint: `${issuer}/v1/auth/login`,
    };
  }
}
