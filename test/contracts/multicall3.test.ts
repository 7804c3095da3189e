import { encodeFunctionData, erc20Abi, zeroAddress, type Address } from "viem";
import {
  accessRegistryAbi,
  accessRegistryBytecode,
  multicall3Abi,
  multicall3Bytecode,
} from "../../libs/chain/src/abi/generated/index.js";
import { deploy, isolateEachTest, publicClient, testAccounts, walletFor } from "./support/chain.js";

/** Sigil's Multicall3 answers aggregate3 as the canonical one does: per-call outcomes, in order. */
describe("Multicall3", () => {
  let multicall: Address;
  let registry: Address;
  isolateEachTest();

  beforeEach(async () => {
    const [admin] = await testAccounts();
    const from = walletFor(admin!);
    multicall = await deploy({ abi: multicall3Abi, bytecode: multicall3Bytecode, args: [], from });
    registry = await deploy({
      abi: accessRegistryAbi,
      bytecode: accessRegistryBytecode,
      args: [admin!],
      from,
    });
  });

  const aggregate = (calls: { target: Address; allowFailure: boolean; callData: `0x${string}` }[]) =>
    publicClient.readContract({
      address: multicall,
      abi: multicall3Abi,
      functionName: "aggregate3",
      args: [calls],
    });

  const isValidScope = encodeFunctionData({
    abi: accessRegistryAbi,
    functionName: "isValidScope",
    args: ["orders:read"],
  });
  // The registry has no balanceOf: the call reverts.
  const balanceOf = encodeFunctionData({ abi: erc20Abi, functionName: "balanceOf", args: [zeroAddress] });

  it("returns each call's success and data in order, a revert allowed to fail and a target without code included", async () => {
    const results = await aggregate([
      { target: registry, allowFailure: false, callData: isValidScope },
      { target: registry, allowFailure: true, callData: balanceOf },
      { target: "0x000000000000000000000000000000000000dEaD", allowFailure: true, callData: balanceOf },
    ]);
    expect(results).toEqual([
      { success: true, returnData: `0x${"0".repeat(63)}1` },
      { success: false, returnData: "0x" },
      { success: true, returnData: "0x" },
    ]);
  });

  it("reverts the whole batch with the canonical message when a call that may not fail reverts", async () => {
    await expect(aggregate([{ target: registry, allowFailure: false, callData: balanceOf }])).rejects.toThrow(
      "Multicall3: call failed",
    );
  });
});
