// @sigil/client/node: the bot side of the SDK (Node only: it signs with node:crypto keys).
export { createBotClient } from "./bot-client.js";
export type { BotClient, BotClientOptions, BotCredential, BotToken } from "./bot-client.js";
export { createSessionKey, exportSessionKey, importSessionKey } from "./session-key.js";
export type { SessionKey } from "./session-key.js";
export { signDelegation } from "./sign-delegation.js";
export type { DelegationTerms, SignedDelegation, TypedDataSigner } from "./sign-delegation.js";
export { ownerApi } from "./owner-api.js";
export { isSigilClientError, SigilClientError } from "../errors/sigil-client-error.js";
export type { ApiKeySigner } from "@sigil/sessions";
