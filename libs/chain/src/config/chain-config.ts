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
  /** Role sync: blocks an event must be buried under before it is applied (default 0). */
  confirmations?: number;
  /** Role sync: the registry's deployment block, where indexing starts (default 0). */
  fromBlock?: number;
  /** Role sync: most blocks one eth_getLogs covers (default 1,000). */
  logRange?: number;
  /**
   * A Multicall3 contract (`aggregate3`): when set, the eth_calls of one read at one block hash go
   * as one eth_call to it; otherwise they go as one JSON-RPC batch.
   */
  multicall3?: Address;
  /**
   * A WebSocket endpoint (ws:// or wss://) of the same chain: role sync follows new heads by
   * subscription (eth_subscribe) there, and keeps polling `rpcUrls` as the fallback.
   */
  wsUrl?: string;
}
