// @sigil/client: sign in with a wallet and call Sigil-protected APIs from a browser. The bot SDK is
// @sigil/client/node; the wallet-kit adapters are @sigil/client/rainbowkit and @sigil/client/reown.
export { createSigilClient } from "./browser/create-sigil-client.js";
export type {
  SigilClient,
  SigilClientOptions,
  SignedMessage,
  SignInParameters,
} from "./browser/create-sigil-client.js";
export { ClientErrorCodes, isSigilClientError, SigilClientError } from "./errors/sigil-client-error.js";
export type { ClientErrorCode, SigilClientErrorInit } from "./errors/sigil-client-error.js";
export type {
  Challenge,
  Grant,
  Me,
  Nonce,
  ScopeSource,
  ScopeSources,
  SessionSummary,
} from "./http/api-types.js";
export { memoryStorage, webStorage } from "./tokens/token-storage.js";
export type { StoredTokens, TokenStorage, WebStorageLike } from "./tokens/token-storage.js";
export type { TokenResponse } from "@sigil/core";
export { providerSigner, walletClientSigner } from "./wallet/wallet-signer.js";
export type { Eip1193Provider, WalletClientLike, WalletSigner } from "./wallet/wallet-signer.js";
