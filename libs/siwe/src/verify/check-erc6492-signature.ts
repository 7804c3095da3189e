import type { ChainClient } from "@sigil/chain";
import {
  encodeDeployData,
  erc6492SignatureValidatorAbi,
  erc6492SignatureValidatorByteCode,
  type Address,
  type Hex,
} from "viem";
import { call } from "viem/actions";
import { verificationUnavailable, type ContractCheck } from "./contract-check.js";
import { isExecutionFailure } from "./is-execution-failure.js";

/** Parameters of {@link checkErc6492Signature}. */
export interface CheckErc6492SignatureParameters {
  readonly chain: ChainClient;
  readonly address: Address;
  /** The EIP-191 digest of the message. */
  readonly hash: Hex;
  /** The whole ERC-6492 wrapped signature (factory, factory calldata, inner signature, magic suffix). */
  readonly signature: Hex;
  /** Gas cap of the `eth_call`: covers the validator, the factory and `isValidSignature`. */
  readonly gas: bigint;
}

/**
 * Runs ERC-6492's deployless universal validator (viem's bytecode) in one `eth_call` capped at
 * `gas`: it deploys the wallet through its factory inside the call only (nothing is mined), or
 * asks the already deployed wallet first, then calls `isValidSignature`. viem's own `verifyHash`
 * is not used: it sends no gas cap and reads an unreachable RPC as "invalid signature".
 *
 * @throws {RpcUnavailableError} the node could not be reached or did not answer.
 */
export async function checkErc6492Signature({
  chain,
  address,
  hash,
  signature,
  gas,
}: CheckErc6492SignatureParameters): Promise<ContractCheck> {
  const data = encodeDeployData({
    abi: erc6492SignatureValidatorAbi,
    bytecode: erc6492SignatureValidatorByteCode,
    args: [address, hash, signature],
  });
  try {
    // No CCIP-Read (EIP-3668): a factory's OffchainLookup revert must not make Sigil fetch its URLs.
    const result = await call({ ...chain.client, ccipRead: false as const }, { data, gas, batch: false });
    return { outcome: result.data === "0x01" ? "valid" : "rejected" };
  } catch (error) {
    if (isExecutionFailure(error)) return { outcome: "reverted", cause: error };
    throw verificationUnavailable(chain.chainId, error);
  }
}
