import { isSigilError, RpcUnavailableError } from "@sigil/core";

describe("SigilError", () => {
  it("carries a stable code, the subclass name, details and the cause", () => {
    const cause = new Error("ECONNREFUSED");
    const error = new RpcUnavailableError("chain 31337 unreachable", { cause, details: { chainId: 31337 } });
    expect(error.code).toBe("rpc_unavailable");
    expect(error.name).toBe("RpcUnavailableError");
    expect(error.cause).toBe(cause);
    expect(error.details).toEqual({ chainId: 31337 });
    expect(isSigilError(error)).toBe(true);
    expect(isSigilError(cause)).toBe(false);
  });
});
