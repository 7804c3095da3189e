import { devPassAbi, TransactionRevertedError, type DeployClients } from "@sigil/chain/dev";
import { type Address, getAbiItem, isAddressEqual } from "viem";
import type { DevPolicyContracts } from "./ensure-dev-contracts.js";

export interface TransferDevPassParameters extends DeployClients {
  /** The dev deployment's policy demo; the wallet's account is the pass holder that gives one away. */
  policy: DevPolicyContracts;
  to: Address;
}

/**
 * Transfers one DevPass the wallet's account holds to `to` and returns its token id; throws when
 * the account holds none. DevPass is not enumerable, so candidates come from `Transfer` logs.
 */
export async function transferDevPass({
  publicClient,
  walletClient,
  policy,
  to,
}: TransferDevPassParameters): Promise<bigint> {
  const from = walletClient.account.address;
  const logs = await publicClient.getLogs({
    address: policy.pass,
    event: getAbiItem({ abi: devPassAbi, name: "Transfer" }),
    args: { to: from },
    fromBlock: BigInt(policy.deployedAtBlock),
    strict: true,
  });
  for (const tokenId of new Set(logs.map((log) => log.args.tokenId))) {
    const owner = await publicClient.readContract({
      address: policy.pass,
      abi: devPassAbi,
      functionName: "ownerOf",
      args: [tokenId],
    });
    if (!isAddressEqual(owner, from)) continue;
    const hash = await walletClient.writeContract({
      address: policy.pass,
      abi: devPassAbi,
      functionName: "transferFrom",
      args: [from, to, tokenId],
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") {
      throw new TransactionRevertedError(`DevPass.transferFrom(${tokenId}) reverted (transaction ${hash})`, {
        details: { action: "DevPass.transferFrom", transactionHash: hash },
      });
    }
    return tokenId;
  }
  throw new Error(`${from} holds no DevPass`);
}
