import { Controller, Get, Res } from "@nestjs/common";
import { ApiOkResponse, ApiProduces, ApiTags } from "@nestjs/swagger";
import type { HttpReply } from "../http/http-types.js";
import { ScrapeAuthenticated } from "../http/route-policy.js";
import { MetricsService } from "./metrics.service.js";

/**
 * Prometheus exposition. It holds counts, never subjects or tokens. Public like the health routes
 * unless `SIGIL_METRICS_TOKEN` is set (production requires it), when scrapers must send it as a
 * Bearer token (the access guard checks it); deployments also keep it off the public listener.
 */
@ApiTags("operations")
@Controller("metrics")
@ScrapeAuthenticated()
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Get()
  @ApiProduces("text/plain")
  @ApiOkResponse({ description: "Prometheus text exposition format" })
  async scrape(@Res() response: HttpReply): Promise<void> {
    const { contentType, body } = await this.metrics.render();
    response.header("Content-Type", contentType);
    response.header("Cache-Control", "no-store");
    void response.send(body);
  }
}
