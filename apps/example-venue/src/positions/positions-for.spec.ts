import { MARKETS } from "../markets/markets.js";
import { positionsFor } from "./positions-for.js";

const TRADER = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8";
const VIEWER = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";

describe("positionsFor", () => {
  it("is deterministic per address, whatever its case", () => {
    expect(positionsFor(TRADER)).toEqual(positionsFor(TRADER.toLowerCase()));
    expect(positionsFor(TRADER)).not.toEqual(positionsFor(VIEWER));
  });

  it("gives plausible positions in listed markets", () => {
    for (const position of [...positionsFor(TRADER), ...positionsFor(VIEWER)]) {
      expect(Object.keys(MARKETS)).toContain(position.market);
      expect(Number(position.size)).toBeGreaterThan(0);
      const reference = MARKETS[position.market];
      expect(Number(position.entryPrice)).toBeGreaterThanOrEqual(reference * 0.89);
      expect(Number(position.entryPrice)).toBeLessThanOrEqual(reference * 1.11);
    }
  });
});
