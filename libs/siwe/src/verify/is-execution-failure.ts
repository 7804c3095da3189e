import {
  BaseError,
  ContractFunctionRevertedError,
  ExecutionRevertedError,
  HttpRequestError,
  RpcRequestError,
  SocketClosedError,
  TimeoutError,
  WebSocketRequestError,
} from "viem";

/** Node messages for an `eth_call` the EVM ran and failed (geth, reth, erigon, anvil, Hardhat). */
const EXECUTION_FAILURE =
  /revert|out of gas|gas required exceeds|invalid opcode|stack (?:underflow|overflow)|invalid jump/i;

/**
 * True when a failed `eth_call` was executed by the node and failed in the EVM (revert, out of
 * gas, invalid opcode): the signature is refused. False for anything else (refused connection,
 * timeout, HTTP error, rate limit, node-side error), which must read as "chain unavailable" (D1).
 */
export function isExecutionFailure(error: unknown): boolean {
  if (!(error instanceof BaseError)) return false;
  const transport = error.walk(
    (cause) =>
      cause instanceof HttpRequestError ||
      cause instanceof TimeoutError ||
      cause instanceof WebSocketRequestError ||
      cause instanceof SocketClosedError,
  );
  if (transport !== null) return false;
  if (
    error.walk(
      (cause) => cause instanceof ExecutionRevertedError || cause instanceof ContractFunctionRevertedError,
    ) !== null
  ) {
    return true;
  }
  // JSON-RPC error 3 is "execution reverted"; Hardhat says -32603 with a "VM Exception" message.
  const rpc = error.walk((cause) => cause instanceof RpcRequestError) as RpcRequestError | null;
  return rpc !== null && (rpc.code === 3 || EXECUTION_FAILURE.test(rpc.details));
}
