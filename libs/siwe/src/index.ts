// Sign-In with Ethereum (EIP-4361): strict parsing, canonical creation, binding and time checks,
// and EOA signer recovery. Contract-wallet (EIP-1271/6492) verification is to live in ./verify/.
export * from "./errors/siwe-errors.js";
export * from "./message/siwe-message.js";
export * from "./parse/parse-siwe-message.js";
export * from "./create/create-siwe-message.js";
export * from "./validate/validate-siwe-message.js";
