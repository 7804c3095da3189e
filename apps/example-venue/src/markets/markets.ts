/** Markets the example venue lists, with the reference price its fake data is built around. */
export const MARKETS = {
  "ETH-USD": 3000,
  "BTC-USD": 90_000,
  "SOL-USD": 150,
  "ARB-USD": 0.8,
} as const;

/** A market the venue lists. */
export type Market = keyof typeof MARKETS;

export const MARKET_NAMES = Object.keys(MARKETS) as Market[];
