import { InvalidRequestError } from "@sigil/core";
import { z } from "zod";
import { MARKET_NAMES, type Market } from "../markets/markets.js";

const DECIMAL = /^(?:0|[1-9][0-9]{0,8})(?:\.[0-9]{1,8})?$/;

const newOrderSchema = z.strictObject({
  market: z.enum(MARKET_NAMES as [Market, ...Market[]]),
  side: z.enum(["buy", "sell"]),
  // A decimal string (exact) or a JSON number; at most 9 integer and 8 fractional digits.
  size: z
    .union([z.string(), z.number()])
    .transform((value) => (typeof value === "number" ? String(value) : value))
    .refine((value) => DECIMAL.test(value) && Number(value) > 0, 'must be a positive decimal, e.g. "1.5"'),
});

/** A validated `POST /orders` body. */
export type NewOrder = z.output<typeof newOrderSchema>;

/** Validates a `POST /orders` body; throws {@link InvalidRequestError} naming the first bad field. */
export function parseNewOrder(body: unknown): NewOrder {
  const parsed = newOrderSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.code === "unrecognized_keys" ? issue.keys[0] : issue.path.join(".");
    throw new InvalidRequestError(`order ${field || "body"}: ${issue.message}`, { details: { field } });
  }
  return parsed.data;
}
