import { RpcUnavailableError } from "@sigil/core";
import {
  type Abi,
  type Address,
  type ContractFunctionArgs,
  type ContractFunctionName,
  type ContractFunctionReturnType,
  ContractFunctionRevertedError,
  decodeFunctionResult,
  encodeFunctionData,
  type Hex,
} from "viem";
import { multicall3Abi } from "../abi/generated/Multicall3.js";
import type { ChainClient } from "../clients/chain-client.js";

export interface PinnedCallParameters<A extends Abi, F extends ContractFunctionName<A, "view">> {
  to: Address;
  abi: A;
  functionName: F;
  args: ContractFunctionArgs<A, "view", F>;
}

/** The outcome of one call: Multicall3 reports a revert as data instead of failing the batch. */
interface CallResult {
  success: boolean;
  returnData: Hex;
}

interface PendingCall {
  to: Address;
  data: Hex;
  resolve(result: CallResult): void;
  reject(error: unknown): void;
}

/**
 * The reads of one chain at one block hash that go out together. Calls and requests made before
 * the next turn of the event loop are sent at once, as one JSON-RPC batch; with the chain's
 * `multicall3` set, their `eth_call`s are folded into one `aggregate3` `eth_call` at the block hash
 * (a lone call goes as it is).
 * A failing call fails with the error the direct `eth_call` would give (a revert, or no data).
 */
export class PinnedReads {
  private calls: PendingCall[] = [];
  private requests: (() => void)[] = [];
  private scheduled = false;

  constructor(
    readonly chain: ChainClient,
    /** Every `eth_call` is pinned to this block (EIP-1898, requireCanonical). */
    readonly blockHash: Hex,
  ) {}

  /** A view call at the pinned block, decoded. */
  async call<A extends Abi, F extends ContractFunctionName<A, "view">>(
    p: PinnedCallParameters<A, F>,
  ): Promise<ContractFunctionReturnType<A, "view", F>> {
    const data = encodeFunctionData({ abi: p.abi, functionName: p.functionName, args: p.args } as never);
    // Without Multicall3 the transport's own batch groups the calls: queueing here too would add a timer hop.
    const result = this.chain.config.multicall3
      ? await new Promise<CallResult>((resolve, reject) => {
          this.calls.push({ to: p.to, data, resolve, reject });
          this.schedule();
        })
      : { success: true, returnData: await this.ethCall(p.to, data) };
    if (!result.success) {
      throw new ContractFunctionRevertedError({
        abi: p.abi,
        data: result.returnData,
        functionName: p.functionName,
      });
    }
    return decodeFunctionResult({
      abi: p.abi,
      functionName: p.functionName,
      data: result.returnData,
    } as never) as never;
  }

  /**
   * Another request (logs, a header) sent with the calls, in the same JSON-RPC batch. `request`
   * must issue its RPC request before its first `await`, as viem's actions do.
   */
  with<T>(request: () => Promise<T>): Promise<T> {
    if (!this.chain.config.multicall3) return request();
    return new Promise<T>((resolve, reject) => {
      this.requests.push(() => request().then(resolve, reject));
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    // The same timer viem's batch uses: everything queued meanwhile goes out together.
    setTimeout(() => this.flush(), 0);
  }

  private flush(): void {
    this.scheduled = false;
    const calls = this.calls.splice(0);
    const requests = this.requests.splice(0);
    const multicall3 = this.chain.config.multicall3;
    if (multicall3 && calls.length > 1) this.aggregate(multicall3, calls);
    else for (const call of calls) this.direct(call);
    for (const request of requests) request();
  }

  private direct(call: PendingCall): void {
    this.ethCall(call.to, call.data).then(
      (returnData) => call.resolve({ success: true, returnData }),
      (error: unknown) => call.reject(error),
    );
  }

  private aggregate(multicall3: Address, calls: PendingCall[]): void {
    const data = encodeFunctionData({
      abi: multicall3Abi,
      functionName: "aggregate3",
      args: [calls.map((call) => ({ target: call.to, allowFailure: true, callData: call.data }))],
    });
    this.ethCall(multicall3, data)
      .then((returned) => {
        // Without code at the address the answer is empty: the configuration is wrong, not a source.
        if (returned === "0x") throw this.noMulticall(multicall3, "has no code");
        const results = this.decodeAggregate(multicall3, returned);
        if (results.length !== calls.length) throw this.noMulticall(multicall3, "answered another count");
        calls.forEach((call, index) => call.resolve(results[index]!));
      })
      .catch((error: unknown) => {
        for (const call of calls) call.reject(error);
      });
  }

  private decodeAggregate(multicall3: Address, returned: Hex): readonly CallResult[] {
    try {
      return decodeFunctionResult({ abi: multicall3Abi, functionName: "aggregate3", data: returned });
    } catch {
      throw this.noMulticall(multicall3, "does not answer aggregate3");
    }
  }

  private ethCall(to: Address, data: Hex): Promise<Hex> {
    return this.chain.client.request({
      method: "eth_call",
      params: [{ to, data }, { blockHash: this.blockHash, requireCanonical: true } as never],
    });
  }

  private noMulticall(multicall3: Address, why: string): RpcUnavailableError {
    const chainId = this.chain.chainId;
    return new RpcUnavailableError(
      `chain ${chainId}: multicall3 ${multicall3} ${why} at block ${this.blockHash}`,
      { details: { chainId, multicall3, blockHash: this.blockHash } },
    );
  }
}
