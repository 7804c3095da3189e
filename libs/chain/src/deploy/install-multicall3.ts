import { type Address, getAddress, type Hex, type PublicClient } from "viem";
import { multicall3Bytecode } from "../abi/generated/Multicall3.js";

/** Where Multicall3 lives on mainnet and most chains; dev mode puts its own at the same address. */
export const MULTICALL3_ADDRESS: Address = getAddress("0xcA11bde05977b3631167028862bE2a173976CA11");

/**
 * Puts Sigil's `aggregate3`-compatible Multicall3 at {@link MULTICALL3_ADDRESS} on a Hardhat chain
 * (`hardhat_setCode`), so a dev `SIGIL_CHAINS` entry names the same address as on mainnet.
 */
export async function installMulticall3({ client }: { client: PublicClient }): Promise<Address> {
  // An eth_call of creation code returns the runtime code, without a transaction.
  const { data } = await client.call({ data: multicall3Bytecode });
  await client.request({
    method: "hardhat_setCode",
    params: [MULTICALL3_ADDRESS, data as Hex],
  } as never);
  return MULTICALL3_ADDRESS;
}
