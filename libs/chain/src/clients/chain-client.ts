import { ChainIdMismatchError } from "@sigil/core";
import { randomUUID } from "node:crypto";
import { createPublicClient, defineChain, fallback, http, type PublicClient, webSocket } from "viem";
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

  /**
   * Calls `onHead` on each new block the `wsUrl` endpoint announces (eth_subscribe newHeads) on a
   * socket of its own; a failed subscription is reported and tried again every 5 s. Returns the
   * unsubscribe, or undefined when no `wsUrl` is set.
   */
  watchHeads(p: {
    onHead: (blockNumber: bigint) => void;
    onError: (error: Error) => void;
  }): (() => void) | undefined {
    if (this.config.wsUrl === undefined) return undefined;
    // A key of its own: viem shares sockets by key and URL, and this one is closed on unsubscribe.
    const transport = webSocket(this.config.wsUrl, {
      key: `sigil-heads-${randomUUID()}`,
      timeout: this.config.timeoutMs,
      reconnect: false,
    });
    const client = createPublicClient({ transport });
    const close = () =>
      void client.transport.getRpcClient().then(
        (socket) => socket.close(),
        () => undefined,
      );
    let stopped = false;
    let retry: NodeJS.Timeout | undefined;
    let unwatch: (() => void) | undefined;
    const subscribe = () => {
      let failed = false;
      // A WebSocket transport subscribes instead of polling.
      unwatch = client.watchBlockNumber({
        onBlockNumber: (blockNumber) => p.onHead(blockNumber),
        onError: (error) => {
          if (failed || stopped) return;
          failed = true;
          p.onError(error);
          unwatch?.();
          close();
          retry = setTimeout(subscribe, 5_000).unref();
        },
      });
    };
    subscribe();
    return () => {
      stopped = true;
      clearTimeout(retry);
      unwatch?.();
      close();
    };
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
