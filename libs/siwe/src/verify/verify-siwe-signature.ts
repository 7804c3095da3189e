import type { ChainClient } from "@sigil/chain";
import type { WalletKind } from "@sigil/core";
import {
  getAddress,
  isAddress,
  isErc6492Signature,
  parseErc6492Signature,
  recoverAddress,
  toHex,
  type Address,
  type Hex,
} from "viem";
import { SignatureInvalidError, SiweChainNotAllowedError } from "../errors/siwe-errors.js";
import { parseSiweMessage } from "../parse/parse-siwe-message.js";
import { eip191Digest } from "../signature/eip191-digest.js";
import { recoverSiweSigner } from "../signature/recover-siwe-signer.js";
import { checkErc1271Signature } from "./check-erc1271-signature.js";
import { checkErc6492Signature } from "./check-erc6492-signature.js";
import { verificationUnavailable, type ContractCheck } from "./contract-check.js";
import { SignatureMismatchError } from "./signature-mismatch-error.js";
import { withDeadline } from "./with-deadline.js";

/**
 * Default gas cap of a contract-wallet verification `eth_call`. A counterfactual SmartWallet
 * login costs ~451k (validator + factory deployment + `isValidSignature`); real smart accounts
 * (Safe, Kernel, Coinbase, passkeys without the P-256 precompile) stay near 1.2M. 2M leaves room
 * for those and bounds what one login can make the node execute (A8).
 */
export const DEFAULT_SIGNATURE_GAS_LIMIT = 2_000_000n;

/**
 * Default deadline of the whole contract-wallet verification (chain id check, code and call,
 * fallback URLs included). Past it the answer is `rpc_unavailable`, never "invalid" (D1).
 */
export const DEFAULT_SIGNATURE_TIMEOUT_MS = 3_000;

/**
 * Largest signature accepted, in bytes. Multisig and passkey signatures, even ERC-6492 wrapped
 * with their factory calldata, take 1–2 KiB; the cap keeps junk out of `eth_call`.
 */
export const MAX_SIGNATURE_BYTES = 8_192;

/** Parameters of {@link verifySiweSignature}. */
export interface VerifySiweSignatureParameters {
  /** The exact text that was signed (EIP-191 `personal_sign`), a SIWE message. */
  readonly message: string;
  /** The address the message names. */
  readonly address: Address;
  /** 65-byte ECDSA, any EIP-1271 signature, or an ERC-6492 wrapped one; hex. */
  readonly signature: Hex;
  /** The client of the chain the message names: contract wallets are checked there only (A3, D9). */
  readonly chain: ChainClient;
  /** Gas cap of the verification `eth_call`; default {@link DEFAULT_SIGNATURE_GAS_LIMIT}. */
  readonly gasLimit?: bigint;
  /** Deadline of the contract-wallet check in ms; default {@link DEFAULT_SIGNATURE_TIMEOUT_MS}. */
  readonly timeoutMs?: number;
}

/** A signature that verified, and how. */
export interface VerifiedSignature {
  readonly walletKind: WalletKind;
}

/**
 * Verifies that `signature` is `address`'s signature of the SIWE `message`. An EOA signature is
 * recovered locally with no RPC; anything else is asked of `chain`: EIP-1271 for a deployed
 * wallet, ERC-6492 for a wrapped (possibly undeployed) one, in one gas-capped `eth_call` under a
 * deadline. Contract answers reflect the chain now, so call it again on refresh (A9): a wallet
 * whose owner changed no longer accepts the old login signature.
 *
 * @throws {SignatureInvalidError} the signature is malformed (`signature_invalid`).
 * @throws {SignatureMismatchError} it is well formed but not `address`'s (`signature_mismatch`).
 * @throws {SiweChainNotAllowedError} `chain` is not the message's chain.
 * @throws {SiweMessageInvalidError} the message is not a SIWE message.
 * @throws {RpcUnavailableError} the chain did not answer in time (`rpc_unavailable`, 503).
 * @throws {ChainIdMismatchError} `chain`'s RPC serves another chain id.
 */
export async function verifySiweSignature({
  message,
  address,
  signature,
  chain,
  gasLimit = DEFAULT_SIGNATURE_GAS_LIMIT,
  timeoutMs = DEFAULT_SIGNATURE_TIMEOUT_MS,
}: VerifySiweSignatureParameters): Promise<VerifiedSignature> {
  const size = signatureSize(signature);
  const named = parseSiweMessage(message);
  if (named.chainId !== chain.chainId) {
    throw new SiweChainNotAllowedError(
      `message for chain ${named.chainId} checked on chain ${chain.chainId}`,
      {
        details: { chainId: named.chainId, verifierChainId: chain.chainId },
      },
    );
  }
  if (typeof address !== "string" || named.address.toLowerCase() !== address.toLowerCase()) {
    throw new SignatureMismatchError("address_not_in_message", { chainId: chain.chainId });
  }

  const wrapped = isErc6492Signature(signature);
  if (wrapped) assertWrapperDecodes(signature);
  let unrecoverable: SignatureInvalidError | undefined;
  if (!wrapped && size === 65) {
    try {
      const signer = await recoverSiweSigner({ message, signature });
      if (signer === named.address) return { walletKind: "eoa" };
    } catch (error) {
      if (!(error instanceof SignatureInvalidError)) throw error;
      // Not ECDSA, yet a contract wallet may still accept these 65 bytes (e.g. Safe's v = 0 or 1).
      unrecoverable = error;
    }
  }

  return checkContractSignature({
    chain,
    address: named.address,
    hash: toHex(eip191Digest(message)),
    signature,
    gasLimit,
    timeoutMs,
    context: { wrapped, size, ...(unrecoverable ? { unrecoverable } : {}) },
  });
}

/** Parameters of {@link verifyHashSignature}. */
export interface VerifyHashSignatureParameters {
  /** The 32-byte digest that was signed (an EIP-712 hash, or an EIP-191 digest). */
  readonly hash: Hex;
  readonly address: Address;
  /** 65-byte ECDSA, any EIP-1271 signature, or an ERC-6492 wrapped one; hex. */
  readonly signature: Hex;
  /** The client of the chain the signature is for: contract wallets are checked there only. */
  readonly chain: ChainClient;
  readonly gasLimit?: bigint;
  readonly timeoutMs?: number;
}

/**
 * Verifies that `signature` is `address`'s signature of the digest `hash` (EIP-712 typed data, or
 * a stored EIP-191 digest) through the same path as {@link verifySiweSignature}: an EOA is recovered
 * locally, a contract wallet is asked in one gas-capped `eth_call` under a deadline, on `chain`
 * after checking its id. Same errors as {@link verifySiweSignature} (no message checks).
 */
export async function verifyHashSignature({
  hash,
  address,
  signature,
  chain,
  gasLimit = DEFAULT_SIGNATURE_GAS_LIMIT,
  timeoutMs = DEFAULT_SIGNATURE_TIMEOUT_MS,
}: VerifyHashSignatureParameters): Promise<VerifiedSignature> {
  const size = signatureSize(signature);
  if (typeof address !== "string" || !isAddress(address, { strict: false })) {
    throw new SignatureMismatchError("address_not_in_message", { chainId: chain.chainId });
  }
  const wrapped = isErc6492Signature(signature);
  if (wrapped) assertWrapperDecodes(signature);
  let unrecoverable: SignatureInvalidError | undefined;
  if (!wrapped && size === 65) {
    try {
      const signer = await recoverAddress({ hash, signature });
      if (signer.toLowerCase() === address.toLowerCase()) return { walletKind: "eoa" };
    } catch (cause) {
      // Not ECDSA, yet a contract wallet may still accept these 65 bytes.
      unrecoverable = new SignatureInvalidError("recovery_failed", { cause });
    }
  }
  return checkContractSignature({
    chain,
    address: getAddress(address),
    hash,
    signature,
    gasLimit,
    timeoutMs,
    context: { wrapped, size, ...(unrecoverable ? { unrecoverable } : {}) },
  });
}

/** The contract-wallet half of both verifiers: chain id check and capped call, under one deadline. */
async function checkContractSignature(p: {
  chain: ChainClient;
  address: Address;
  hash: Hex;
  signature: Hex;
  gasLimit: bigint;
  timeoutMs: number;
  context: { wrapped: boolean; size: number; unrecoverable?: SignatureInvalidError };
}): Promise<VerifiedSignature> {
  const { chain, timeoutMs } = p;
  const check = { chain, address: p.address, hash: p.hash, signature: p.signature, gas: p.gasLimit };
  const [, result] = await withDeadline(
    Promise.all([
      chain.verifyChainId(),
      p.context.wrapped ? checkErc6492Signature(check) : checkErc1271Signature(check),
    ]),
    timeoutMs,
    () => verificationUnavailable(chain.chainId, new Error(`no answer within ${timeoutMs} ms`)),
  );
  return { walletKind: walletKindOf(result, { ...p.context, chainId: chain.chainId }) };
}

function walletKindOf(
  result: ContractCheck,
  context: { wrapped: boolean; size: number; unrecoverable?: SignatureInvalidError; chainId: number },
): WalletKind {
  const { chainId } = context;
  switch (result.outcome) {
    case "valid":
      return context.wrapped ? "eip6492" : "eip1271";
    case "rejected":
      throw new SignatureMismatchError("contract_rejected", { chainId });
    case "reverted":
      throw new SignatureMismatchError("contract_reverted", { chainId, cause: result.cause });
    case "no_contract":
      if (context.unrecoverable !== undefined) throw context.unrecoverable;
      if (context.size !== 65) throw new SignatureInvalidError("wrong_length");
      throw new SignatureMismatchError("other_signer", { chainId });
  }
}

/** Byte length of a `0x`-prefixed hex signature of 1 to {@link MAX_SIGNATURE_BYTES} bytes. */
function signatureSize(signature: unknown): number {
  if (typeof signature !== "string") throw new SignatureInvalidError("not_a_string");
  // Length first, so no regular expression ever runs over an oversized input.
  if (signature.length > 2 + 2 * MAX_SIGNATURE_BYTES) throw new SignatureInvalidError("wrong_length");
  if (!/^0x(?:[0-9a-fA-F]{2})*$/.test(signature)) throw new SignatureInvalidError("malformed_hex");
  if (signature.length === 2) throw new SignatureInvalidError("wrong_length");
  return (signature.length - 2) / 2;
}

/** A signature with the ERC-6492 suffix must ABI-decode as (factory, calldata, signature). */
function assertWrapperDecodes(signature: Hex): void {
  try {
    parseErc6492Signature(signature);
  } catch (cause) {
    throw new SignatureInvalidError("malformed_hex", { cause });
  }
}
