import { MARKET_NAMES, MARKETS, type Market } from "../markets/markets.js";
import { seededBytes } from "../markets/seeded-bytes.js";

/** An open position of the fake book. Amounts are decimal strings, as a venue's API would send. */
export interface Position {
  market: Market;
  side: "long" | "short";
  size: string;
  entryPrice: string;
}

/** The positions of `address`: the same every time for the same address. */
export function positionsFor(address: string): Position[] {
  const bytes = seededBytes(address, "positions");
  return MARKET_NAMES.flatMap((market, i): Position[] => {
    const pick = bytes[i]!;
    if (pick % 3 === 0) return [];
    const size = bytes.readUInt16BE(8 + 2 * i) / 1000 + 0.001;
    const drift = 0.9 + (bytes[20 + i]! / 255) * 0.2;
    return [
      {
        market,
        side: pick % 2 === 0 ? "long" : "short",
        size: size.toFixed(3),
        entryPrice: (MARKETS[market] * drift).toFixed(2),
      },
    ];
  });
}
