import type { Address } from "viem";

/** One chain Sigil reads roles from. */
export interface ChainConfig {
  chainId: number;
  /** Human name for logs and health output. */
  name: string;
  /** JSON-RPC endpoints, tried in order (viem fallback transport). */
  rpcUrls: string[];
  /** AccessRegistry address on this chain. */
  registry: Address;
  /** Per-request RPC timeout in milliseconds. */
  timeoutMs: number;
}
