import type { Market } from "../markets/markets.js";

/** An order of the fake book. */
export interface Order {
  id: string;
  market: Market;
  side: "buy" | "sell";
  size: string;
  status: "open" | "filled";
  /** Who placed it: the wallet, or the actor of a delegated token (a bot's session key). */
  placedBy: string;
  createdAt: string;
}
