import {
  type Abi,
  type Address,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type ContractFunctionReturnType,
  decodeFunctionResult,
  encodeFunctionData,
  type Hex,
  type PublicClient,
} from "viem";

export interface CallAtHashParameters<A extends Abi, F extends ContractFunctionName<A, "view">> {
  client: PublicClient;
  to: Address;
  abi: A;
  functionName: F;
  args: ContractFunctionArgs<A, "view", F>;
  blockHash: Hex;
}

/** `eth_call` at a block hash with `requireCanonical` (EIP-1898); viem's readContract takes numbers only. */
export async function callAtHash<A extends Abi, F extends ContractFunctionName<A, "view">>(
  p: CallAtHashParameters<A, F>,
): Promise<ContractFunctionReturnType<A, "view", F>> {
  const data = encodeFunctionData({ abi: p.abi, functionName: p.functionName, args: p.args } as never);
  const result = await p.client.request({
    method: "eth_call",
    params: [{ to: p.to, data }, { blockHash: p.blockHash, requireCanonical: true } as never],
  });
  return decodeFunctionResult({ abi: p.abi, functionName: p.functionName, data: result } as never) as never;
}
