import { Controller, Get, Req, Res } from "@nestjs/common";
import { ApiOkResponse, ApiProduces, ApiTags } from "@nestjs/swagger";
import { UnauthorizedError } from "@sigil/core";
import type { Request, Response } from "express";
import { createHash, timingSafeEqual } from "node:crypto";
import { Public } from "../access/route-policy.js";
import { AppConfig } from "../config/app-config.js";
import { MetricsService } from "./metrics.service.js";

/**
 * Prometheus exposition. It holds counts, never subjects or tokens. Public like the health routes
 * unless `SIGIL_METRICS_TOKEN` is set, when scrapers must send it as a Bearer token; either way
 * deployments keep it off the public listener (see README, Operations).
 */
@ApiTags("operations")
@Controller("metrics")
@Public()
export class MetricsController {
  private readonly tokenDigest: Buffer | undefined;

  constructor(
    private readonly metrics: MetricsService,
    config: AppConfig,
  ) {
    const token = config.abuse.metricsToken;
    this.tokenDigest = token === undefined ? undefined : sha256(token);
  }

  @Get()
  @ApiProduces("text/plain")
  @ApiOkResponse({ description: "Prometheus text exposition format" })
  async scrape(@Req() request: Request, @Res() response: Response): Promise<void> {
    if (this.tokenDigest) {
      const presented = /^Bearer (\S+)$/.exec(request.header("authorization") ?? "")?.[1];
      // Digests have one length, so the comparison takes the same time whatever was sent.
      if (presented === undefined || !timingSafeEqual(sha256(presented), this.tokenDigest))
        throw new UnauthorizedError(
          "GET /metrics needs the scrape token (SIGIL_METRICS_TOKEN) as a Bearer token",
        );
    }
    const { contentType, body } = await this.metrics.render();
    response.setHeader("Content-Type", contentType);
    response.setHeader("Cache-Control", "no-store");
    response.send(body);
  }
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}
