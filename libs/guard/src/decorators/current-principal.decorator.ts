import { createParamDecorator, type ExecutionContext } from "@nestjs/common";
import { InternalError } from "@sigil/core";
import { principalOf } from "@sigil/verify";
import type { SigilPrincipal } from "@sigil/verify";

/**
 * Injects the caller's {@link SigilPrincipal}. Using it on a `@Public()` route is a programming
 * error (there is no caller) and answers 500 rather than passing `undefined` on.
 */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): SigilPrincipal => {
    const principal = principalOf(context.switchToHttp().getRequest<object>());
    if (!principal) throw new InternalError("@CurrentPrincipal() used on a route without the Sigil guard");
    return principal;
  },
);
