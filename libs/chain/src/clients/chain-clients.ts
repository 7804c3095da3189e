import { ChainNotConfiguredError } from "@sigil/core";
import type { ChainConfig } from "../config/chain-config.js";
import { ChainClient } from "./chain-client.js";

/** The clients of every configured chain, looked up by chain id. */
export class ChainClients {
  private readonly byId: ReadonlyMap<number, ChainClient>;

  constructor(configs: readonly ChainConfig[]) {
    this.byId = new Map(configs.map((config) => [config.chainId, new ChainClient(config)]));
  }

  /** The client of `chainId`; throws {@link ChainNotConfiguredError} for any other chain. */
  get(chainId: number): ChainClient {
    const client = this.byId.get(chainId);
    if (!client) {
      throw new ChainNotConfiguredError(`chain ${chainId} is not configured`, { details: { chainId } });
    }
    return client;
  }

  /** Every configured chain, in configuration order. */
  all(): ChainClient[] {
    return [...this.byId.values()];
  }
}
