import { easAbi, TransactionRevertedError, type DeployClients } from "@sigil/chain/dev";
import { type Address, getAbiItem, type Hex } from "viem";
import type { DevPolicyContracts } from "./ensure-dev-contracts.js";

export interface RevokeDevKycParameters extends DeployClients {
  /** The dev deployment's policy demo; the wallet's account must be its KYC attester. */
  policy: DevPolicyContracts;
  recipient: Address;
}

/**
 * Revokes every valid dev KYC attestation of `recipient` (EAS `revoke`, sent by the attester) and
 * returns their uids; throws when the recipient holds none.
 */
export async function revokeDevKyc({
  publicClient,
  walletClient,
  policy,
  recipient,
}: RevokeDevKycParameters): Promise<Hex[]> {
  const logs = await publicClient.getLogs({
    address: policy.eas,
    event: getAbiItem({ abi: easAbi, name: "Attested" }),
    args: { recipient, attester: policy.kycAttester, schemaUID: policy.kycSchema },
    fromBlock: BigInt(policy.deployedAtBlock),
    strict: true,
  });
  const revoked: Hex[] = [];
  for (const uid of new Set(logs.map((log) => log.args.uid))) {
    const attestation = await publicClient.readContract({
      address: policy.eas,
      abi: easAbi,
      functionName: "getAttestation",
      args: [uid],
    });
    if (attestation.revocationTime !== 0n) continue;
    const hash = await walletClient.writeContract({
      address: policy.eas,
      abi: easAbi,
      functionName: "revoke",
      args: [{ schema: policy.kycSchema, data: { uid, value: 0n } }],
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") {
      throw new TransactionRevertedError(`EAS.revoke(${uid}) reverted (transaction ${hash})`, {
        details: { action: "EAS.revoke", transactionHash: hash },
      });
    }
    revoked.push(uid);
  }
  if (revoked.length === 0) throw new Error(`${recipient} holds no valid dev KYC attestation`);
  return revoked;
}
