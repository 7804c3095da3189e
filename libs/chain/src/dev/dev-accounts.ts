import { type HDAccount, mnemonicToAccount } from "viem/accounts";

/** Hardhat's default mnemonic: the dev chain's accounts (never use outside development). */
export const DEV_MNEMONIC = "test test test test test test test test test test test junk";

/** Chain id of the local development chain. */
export const DEV_CHAIN_ID = 31337;

/** The dev accounts DESIGN.md names, by HD index. */
export const DevAccountIndex = { admin: 0, trader: 1, viewer: 2, noRole: 3 } as const;

/** The dev account at `index` of {@link DEV_MNEMONIC}. */
export function devAccount(index: number): HDAccount {
  return mnemonicToAccount(DEV_MNEMONIC, { addressIndex: index });
}
