/** An EIP-1193 provider: `window.ethereum`, an EIP-6963 announced provider, a WalletConnect provider. */
export interface Eip1193Provider {
  request(args: { method: string; params?: readonly unknown[] | object }): Promise<unknown>;
}

/**
 * The part of a viem `WalletClient` the SDK uses (structural, so viem is not a dependency):
 * `createWalletClient({ account, transport: custom(window.ethereum) })` fits.
 */
export interface WalletClientLike {
  account?: { address: string } | undefined;
  getChainId(): Promise<number>;
  requestAddresses?(): Promise<readonly string[]>;
  // viem wants its own Account type here; `never` accepts it without importing viem.
  signMessage(args: { account: never; message: string }): Promise<string>;
}

/** What sign-in needs from a wallet, whatever its kind (EOA, EIP-1271 or EIP-6492 smart wallet). */
export interface WalletSigner {
  /** The wallet's account, asking the user to connect if needed. */
  address(): Promise<string>;
  chainId(): Promise<number>;
  /** EIP-191 `personal_sign` of the UTF-8 message; the signature is passed to Sigil unchanged. */
  signMessage(message: string, address: string): Promise<string>;
}

const toHex = (text: string) =>
  `0x${Array.from(new TextEncoder().encode(text), (byte) => byte.toString(16).padStart(2, "0")).join("")}`;

/** A {@link WalletSigner} over an EIP-1193 provider (`eth_requestAccounts`, `eth_chainId`, `personal_sign`). */
export function providerSigner(provider: Eip1193Provider): WalletSigner {
  return {
    address: async () => {
      const accounts = (await provider.request({ method: "eth_requestAccounts" })) as string[] | undefined;
      const first = accounts?.[0];
      if (!first) throw Object.assign(new Error("the wallet exposed no account"), { code: 4100 });
      return first;
    },
    chainId: async () => Number(await provider.request({ method: "eth_chainId" })),
    signMessage: async (message, address) =>
      (await provider.request({ method: "personal_sign", params: [toHex(message), address] })) as string,
  };
}

/** A {@link WalletSigner} over a viem wallet client (local account or injected transport). */
export function walletClientSigner(client: WalletClientLike): WalletSigner {
  return {
    address: async () => {
      if (client.account) return client.account.address;
      const [first] = (await client.requestAddresses?.()) ?? [];
      if (!first) throw Object.assign(new Error("the wallet client has no account"), { code: 4100 });
      return first;
    },
    chainId: () => client.getChainId(),
    signMessage: (message, address) =>
      client.signMessage({ account: (client.account ?? address) as never, message }),
  };
}
