import { Controller, Get } from "@nestjs/common";
import { Scopes } from "@sigil/core";
import { CurrentPrincipal, RequireScopes, type SigilPrincipal } from "@sigil/guard";
import { type Position, positionsFor } from "./positions-for.js";

/** The caller's open positions (`positions:read`). */
@Controller("positions")
export class PositionsController {
  @Get()
  @RequireScopes(Scopes.positionsRead)
  list(@CurrentPrincipal() principal: SigilPrincipal): {
    address: string;
    chainId: number;
    positions: Position[];
  } {
    return {
      address: principal.address,
      chainId: principal.chainId,
      positions: positionsFor(principal.address),
    };
  }
}
