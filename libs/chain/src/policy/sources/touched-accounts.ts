import { type Address, getAddress, zeroAddress } from "viem";
import type { TouchedAccounts } from "./policy-source-adapter.js";

export interface TouchedAccountsParameters {
  accounts: readonly Address[];
  /** The log takes a role away: sessions that lose a scope end. */
  ends?: boolean;
}

/**
 * What a log touches: its accounts checksummed and once each; the zero address (the other side of
 * a mint or burn) is no account.
 */
export function touchedAccounts({ accounts, ends }: TouchedAccountsParameters): TouchedAccounts {
  const unique = [...new Set(accounts.map((account) => getAddress(account)))].filter(
    (account) => account !== zeroAddress,
  );
  return ends ? { accounts: unique, ends } : { accounts: unique };
}
