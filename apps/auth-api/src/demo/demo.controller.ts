import { Controller, Get, Header, NotFoundException, Res } from "@nestjs/common";
import { ApiTags } from "@nestjs/swagger";
import type { HttpReply } from "../platform/http/http-types.js";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Public } from "../platform/http/route-policy.js";
import { AppConfig } from "@sigil/config";
import type { DemoPageSettings } from "@sigil/config";
import { DEMO_PAGE_HTML } from "./demo-page-html.js";
import { devWalletAccounts } from "./dev-wallet-accounts.js";

/** Written by `npm run build` (scripts/build.mjs) next to this file in dist/. */
export const DEMO_BUNDLE_FILE = "demo-page.bundle.js";

/** The "Sign in with wallet" demo page: mounted only when the configuration enables it. */
@ApiTags("demo")
@Controller()
export class DemoController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  @Public()
  page(@Res() response: HttpReply): void {
    const venue = this.config.demo.venueUrl ? ` ${new URL(this.config.demo.venueUrl).origin}` : "";
    // The page runs only its own script and talks only to Sigil and the venue.
    void response
      .header(
        "Content-Security-Policy",
        `default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'${venue}; frame-ancestors 'none'; base-uri 'none'`,
      )
      .header("Cache-Control", "no-store")
      .type("text/html; charset=utf-8")
      .send(DEMO_PAGE_HTML);
  }

  @Get("demo/app.js")
  @Public()
  async script(@Res() response: HttpReply): Promise<void> {
    const file = path.join(import.meta.dirname, DEMO_BUNDLE_FILE);
    const code = await readFile(file, "utf8").catch(() => {
      throw new NotFoundException("the demo bundle is not built: run npm run build");
    });
    void response
      .header("Cache-Control", "no-store")
      .type("application/javascript; charset=utf-8")
      .send(code);
  }

  @Get("demo/config")
  @Public()
  @Header("Cache-Control", "no-store")
  settings(): DemoPageSettings {
    const chainIds = this.config.chains.map((chain) => chain.chainId);
    return {
      chainId: chainIds[0]!,
      venueUrl: this.config.demo.venueUrl ?? null,
      devAccounts: devWalletAccounts({ env: this.config.env, chainIds }),
    };
  }
}
