// Receipts and events of test transactions.
import {
  isAddressEqual,
  parseEventLogs,
  type Abi,
  type Address,
  type ContractEventName,
  type Hash,
  type TransactionReceipt,
} from "viem";
import { publicClient } from "./chain.js";

/** Waits for `hash` and fails the test unless the transaction succeeded. */
export async function mined(hash: Hash | Promise<Hash>): Promise<TransactionReceipt> {
  const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash });
  expect(receipt.status).toBe("success");
  return receipt;
}

/**
 * The decoded `eventName` logs of `receipt` emitted by `emitter`: the same event signature from
 * another contract (e.g. RoleGranted of the timelock) is left out.
 */
export function eventsOf<const TAbi extends Abi, TName extends ContractEventName<TAbi>>(
  receipt: TransactionReceipt,
  { abi, emitter, eventName }: { abi: TAbi; emitter: Address; eventName: TName },
) {
  return parseEventLogs({ abi, logs: receipt.logs, eventName }).filter((log) =>
    isAddressEqual(log.address, emitter),
  );
}
