/** How a wallet proved a signature: its own key, its deployed contract, or its counterfactual one. */
export type WalletKind = "eoa" | "eip1271" | "eip6492";
