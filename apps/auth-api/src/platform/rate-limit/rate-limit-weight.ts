import { SetMetadata } from "@nestjs/common";

/** Metadata key of a route's rate-limit weight. */
export const RATE_LIMIT_WEIGHT = "sigil:rate-limit-weight";

/** Points a call to the route costs against the per-caller API limit (default 1). */
export const RateLimitWeight = (points: number) => SetMetadata(RATE_LIMIT_WEIGHT, points);
