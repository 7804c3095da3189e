// Sign-In with Ethereum (EIP-4361): strict parsing, canonical creation, binding and time checks,
// and EOA signer recovery. Contract-wallet (EIP-1271/6492) verification is to live in ./verify/.
export * from "./errors/siwe-errors.js";
export * from "./message/siwe-message.js";
export * from "./parse/parse-siwe-message.js";
export * from "./create/create-siwe-message.js";
export * from "./validate/validate-siwe-message.js";
export * from "./signature/eip191-digest.js";
export * from "./signature/recover-siwe-signer.js";
export * from "./signature/verify-eoa-signature.js";
export {
  activeSecp256k1Backend,
  jsSecp256k1Backend,
  nativeSecp256k1Backend,
  secp256k1BackendName,
  type Secp256k1Backend,
  type Secp256k1BackendName,
} from "./signature/secp256k1-backend.js";
export * from "./verify/verify-siwe-signature.js";
export * from "./verify/signature-mismatch-error.js";
export * from "./lines/siwe-lines.js";
