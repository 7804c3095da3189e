import { SetMetadata } from "@nestjs/common";
import { assertScope } from "@sigil/core";
import { REQUIRED_SCOPES } from "./metadata-keys.js";

/**
 * Requires every listed scope (403 `insufficient_scope` otherwise). On a controller and a method,
 * both lists apply. A malformed scope throws when the module loads, not on a request.
 */
export function RequireScopes(...scopes: string[]): MethodDecorator & ClassDecorator {
  return SetMetadata(REQUIRED_SCOPES, scopes.map(assertScope));
}
