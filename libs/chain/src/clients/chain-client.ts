import { ChainIdMismatchError } from "@sigil/core";
import { createPublicClient, defineChain, fallback, http, type PublicClient } from "viem";
import type { ChainConfig } from "../config/chain-config.js";
import { toChainError } from "../errors/to-chain-error.js";

/** A viem public client for one configured chain, plus the configuration it was built from. */
export class ChainClient {
  readonly client: PublicClient;
  private verified: Promise<void> | undefined;

  constructor(readonly config: ChainConfig) {
    const chain = defineChain({
      id: config.chainId,
      name: config.name,
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: config.rpcUrls } },
    });
    // Concurrent reads are sent as one JSON-RPC batch; a failing URL hands over to the next one.
    // One quick retry absorbs a keep-alive socket the node closed while we were idle.
    const transports = config.rpcUrls.map((url) =>
      http(url, {
        timeout: config.timeoutMs,
        retryCount: 1,
        retryDelay: 50,
        batch: { wait: 0, batchSize: 100 },
      }),
    );
    this.client = createPublicClient({ chain, transport: fallback(transports, { retryCount: 0 }) });
  }

  get chainId(): number {
    return this.config.chainId;
  }

  /**
   * Confirms once that the RPC serves the configured chain id (a wrong endpoint would report wrong
   * roles). A failure is not remembered, so the next call asks again.
   */
  verifyChainId(): Promise<void> {
    this.verified ??= this.fetchChainId().catch((error: unknown) => {
      this.verified = undefined;
      throw error;
    });
    return this.verified;
  }

  private async fetchChainId(): Promise<void> {
    let actual: number;
    try {
      actual = await this.client.getChainId();
    } catch (error) {
      throw toChainError({ error, chainId: this.chainId, action: "reading the chain id" });
    }
    if (actual !== this.chainId) {
      throw new ChainIdMismatchError(`RPC for chain ${this.chainId} serves chain ${actual}`, {
        details: { expected: this.chainId, actual },
      });
    }
  }
}
