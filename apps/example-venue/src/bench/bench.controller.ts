import { Controller, Get } from "@nestjs/common";
import { Scopes } from "@sigil/core";
import { Public, RequireScopes } from "@sigil/guard";

const ECHO = Object.freeze({ ok: true, venue: "example", market: "ETH-USD" });

/**
 * One small route twice, open and behind the guard, for the guard-overhead benchmark: any
 * difference in throughput between the two is the guard's cost.
 */
@Controller("bench")
export class BenchController {
  @Get("open")
  @Public()
  open(): typeof ECHO {
    return ECHO;
  }

  @Get("guarded")
  @RequireScopes(Scopes.positionsRead)
  guarded(): typeof ECHO {
    return ECHO;
  }
}
