import { InvalidRequestError } from "@sigil/core";
import { parseNewOrder } from "./parse-new-order.js";

describe("parseNewOrder", () => {
  it("accepts a listed market, a side and a positive size (string or number)", () => {
    expect(parseNewOrder({ market: "ETH-USD", side: "buy", size: "1.5" })).toEqual({
      market: "ETH-USD",
      side: "buy",
      size: "1.5",
    });
    expect(parseNewOrder({ market: "BTC-USD", side: "sell", size: 2 }).size).toBe("2");
  });

  it.each([
    [{ market: "DOGE-USD", side: "buy", size: "1" }, "market"],
    [{ market: "ETH-USD", side: "hold", size: "1" }, "side"],
    [{ market: "ETH-USD", side: "buy", size: "0" }, "size"],
    [{ market: "ETH-USD", side: "buy", size: "-1" }, "size"],
    [{ market: "ETH-USD", side: "buy", size: "1e9" }, "size"],
    [{ market: "ETH-USD", side: "buy", size: 1e-12 }, "size"],
    [{ market: "ETH-USD", side: "buy" }, "size"],
    [{ market: "ETH-USD", side: "buy", size: "1", owner: "0xabc" }, "owner"],
    [null, ""],
  ])("rejects %j naming %j", (body, field) => {
    try {
      parseNewOrder(body);
      throw new Error("accepted");
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidRequestError);
      expect((error as InvalidRequestError).details).toEqual({ field });
    }
  });
});
