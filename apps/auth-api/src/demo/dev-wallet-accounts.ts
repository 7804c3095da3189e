import { DEV_CHAIN_ID, devAccount, DevAccountIndex } from "@sigil/chain/dev";
import { toHex } from "viem";

/** Parameters of {@link devWalletAccounts}. */
export interface DevWalletAccountsParameters {
  env: "development" | "test" | "production";
  chainIds: readonly number[];
}

/**
 * Hardhat's default-mnemonic accounts with their private keys, for the demo page's dev wallet.
 * Empty unless in development with the dev chain (31337) configured: these keys are public
 * knowledge, so they must never sign anything that matters elsewhere.
 */
export function devWalletAccounts({ env, chainIds }: DevWalletAccountsParameters) {
  if (env !== "development" || !chainIds.includes(DEV_CHAIN_ID)) return [];
  return Object.entries(DevAccountIndex).map(([label, index]) => {
    const account = devAccount(index);
    return { index, label, address: account.address, privateKey: toHex(account.getHdKey().privateKey!) };
  });
}
