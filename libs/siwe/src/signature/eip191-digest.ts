import { activeKeccak256 } from "./keccak256-backend.js";

const encoder = new TextEncoder();

/**
 * EIP-191 `personal_sign` digest: keccak256("\x19Ethereum Signed Message:\n" + byteLength + message),
 * the same value as viem's `hashMessage`, computed on bytes: its hex round trips cost about as
 * much as the hash itself on the login path. The hash is native where the binding loads.
 */
export function eip191Digest(message: string): Uint8Array {
  const body = encoder.encode(message);
  const prefix = encoder.encode(`\x19Ethereum Signed Message:\n${body.length}`);
  const data = new Uint8Array(prefix.length + body.length);
  data.set(prefix);
  data.set(body, prefix.length);
  return activeKeccak256(data);
}
