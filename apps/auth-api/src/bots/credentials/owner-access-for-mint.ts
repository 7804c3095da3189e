import { type AccessSnapshot, DelegationInactiveError, type WalletKind } from "@sigil/core";
import type { DataSource } from "typeorm";
import type { Address } from "viem";
import type { AccessReaderService } from "../../chain/access-reader.service.js";
import type { AuditService } from "../../platform/audit/audit.service.js";
import type { SessionService } from "../../sessions/session.service.js";
import { revokeBotCredential, type RevokeBotCredentialParameters } from "./revoke-bot-credential.js";
import { walletStillAccepts } from "./wallet-authority.js";

export interface OwnerAccessForMintParameters {
  dataSource: DataSource;
  access: AccessReaderService;
  sessions: SessionService;
  audit: AuditService;
  kind: RevokeBotCredentialParameters["kind"];
  credential: {
    id: string;
    chainId: number;
    ownerSubject: string;
    walletKind: WalletKind;
    /** What the wallet signed to authorise the credential, and its signature. */
    digest: string | null;
    signature: string | null;
  };
  owner: Address;
  now: Date;
  requestId: string;
  /** The refusal's message when the wallet rejects the signer. */
  rejected: string;
}

/**
 * The owner's on-chain access for a bot token, read while a contract wallet is asked again whether
 * it accepts the credential's signer (J4); if it rejects it, the credential is revoked and the mint refused.
 */
export async function ownerAccessForMint(p: OwnerAccessForMintParameters): Promise<AccessSnapshot> {
  const { credential } = p;
  const [access, accepted] = await Promise.all([
    p.access.read(credential.chainId, p.owner, credential.walletKind),
    credential.walletKind === "eoa" ||
      walletStillAccepts({
        chain: p.access.chain(credential.chainId),
        address: p.owner,
        digest: credential.digest,
        signature: credential.signature,
      }),
  ]);
  if (accepted) return access;
  await p.dataSource.transaction((manager) =>
    revokeBotCredential({
      manager,
      sessions: p.sessions,
      audit: p.audit,
      kind: p.kind,
      id: credential.id,
      owner: credential.ownerSubject,
      now: p.now,
      requestId: p.requestId,
      reason: "wallet_signature_invalid",
    }),
  );
  throw new DelegationInactiveError(p.rejected);
}
