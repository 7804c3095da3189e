import { checksumAddress, type Address } from "viem";

const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/** `"0x" 40HEXDIG`, regardless of letter case. */
export function isHexAddress(text: string): boolean {
  return HEX_ADDRESS.test(text);
}

/**
 * True only for the exact EIP-55 mixed-case form. All-lowercase and all-uppercase spellings are
 * refused too: the conformance vectors demand it, and one address then has one spelling.
 */
export function isEip55Address(text: string): text is Address {
  return HEX_ADDRESS.test(text) && checksumAddress(text as Address) === text;
}
