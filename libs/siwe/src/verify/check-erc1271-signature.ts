import type { ChainClient } from "@sigil/chain";
import { encodeFunctionData, padHex, parseAbi, sliceHex, type Address, type Hex } from "viem";
import { call, getCode } from "viem/actions";
import { verificationUnavailable, type ContractCheck } from "./contract-check.js";
import { isExecutionFailure } from "./is-execution-failure.js";

const erc1271Abi = parseAbi([
  "function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4 magicValue)",
]);

/** `isValidSignature.selector` as the ABI returns it: one word, left-aligned, zero-padded. */
const MAGIC_WORD = padHex("0x1626ba7e", { dir: "right", size: 32 });

/** Parameters of {@link checkErc1271Signature}. */
export interface CheckErc1271SignatureParameters {
  readonly chain: ChainClient;
  readonly address: Address;
  /** The EIP-191 digest of the message. */
  readonly hash: Hex;
  readonly signature: Hex;
  /** Gas cap of the `eth_call`. */
  readonly gas: bigint;
}

/**
 * Asks the contract at `address` whether `signature` is valid for `hash` (EIP-1271), with its code
 * read in the same JSON-RPC batch. A precompile or an account without code is never a wallet,
 * and only the exact ABI-encoded magic word counts (as OpenZeppelin's SignatureChecker does).
 *
 * @throws {RpcUnavailableError} the node could not be reached or did not answer.
 */
export async function checkErc1271Signature({
  chain,
  address,
  hash,
  signature,
  gas,
}: CheckErc1271SignatureParameters): Promise<ContractCheck> {
  // No CCIP-Read (EIP-3668): a wallet's OffchainLookup revert must not make Sigil fetch its URLs.
  const client = { ...chain.client, ccipRead: false as const };
  const data = encodeFunctionData({
    abi: erc1271Abi,
    functionName: "isValidSignature",
    args: [hash, signature],
  });
  const [code, answer] = await Promise.all([
    getCode(client, { address }).catch((error: unknown) => {
      throw verificationUnavailable(chain.chainId, error);
    }),
    call(client, { to: address, data, gas, batch: false }).then(
      (result): ContractCheck => ({ outcome: isMagicWord(result.data) ? "valid" : "rejected" }),
      (error: unknown): ContractCheck => {
        if (isExecutionFailure(error)) return { outcome: "reverted", cause: error };
        throw verificationUnavailable(chain.chainId, error);
      },
    ),
  ]);
  if (code === undefined || code === "0x") return { outcome: "no_contract" };
  return answer;
}

function isMagicWord(data: Hex | undefined): boolean {
  return data !== undefined && data.length >= 66 && sliceHex(data, 0, 32).toLowerCase() === MAGIC_WORD;
}
