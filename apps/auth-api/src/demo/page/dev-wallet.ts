import type { Eip1193Provider } from "@sigil/client";
import { type Hex, hexToString } from "viem";
import { privateKeyToAccount } from "viem/accounts";

/** Parameters of {@link createDevWallet}. */
export interface DevWalletParameters {
  privateKey: Hex;
  /** The chain the dev wallet is for: it only reports this one. */
  chainId: number;
}

/**
 * An EIP-1193 wallet over one of Hardhat's public dev keys (the page offers it only when the
 * service sends them: development, dev chain). It signs messages only, never transactions.
 */
export function createDevWallet({ privateKey, chainId }: DevWalletParameters): Eip1193Provider {
  const account = privateKeyToAccount(privateKey);
  return {
    request: async ({ method, params }) => {
      if (method === "eth_requestAccounts" || method === "eth_accounts") return [account.address];
      if (method === "eth_chainId") return `0x${chainId.toString(16)}`;
      if (method === "personal_sign") {
        const [data] = params as [Hex, string];
        return account.signMessage({ message: hexToString(data) });
      }
      throw Object.assign(new Error(`the dev wallet does not support ${method}`), { code: 4200 });
    },
  };
}
