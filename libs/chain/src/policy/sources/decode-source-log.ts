import type { PolicySource } from "@sigil/core";
import {
  type Abi,
  AbiDecodingDataSizeTooSmallError,
  AbiEventSignatureEmptyTopicsError,
  AbiEventSignatureNotFoundError,
  type ContractEventName,
  decodeEventLog,
  type DecodeEventLogReturnType,
  DecodeLogDataMismatch,
  DecodeLogTopicsMismatch,
  isAddressEqual,
  type Log,
} from "viem";

export interface DecodeSourceLogParameters<A extends Abi> {
  source: PolicySource;
  log: Log;
  /** The source's events only: a log of any other shape is not the source's. */
  abi: A;
}

/**
 * Decodes a log emitted by the source's contract against the source's events, strictly: a log from
 * another contract, of another event, or with the same topic but another shape (an ERC-721
 * `Transfer` read as an ERC-20 one) is undefined.
 */
export function decodeSourceLog<const A extends Abi>({
  source,
  log,
  abi,
}: DecodeSourceLogParameters<A>): DecodeEventLogReturnType<A, ContractEventName<A>> | undefined {
  if (!isAddressEqual(log.address, source.address)) return undefined;
  try {
    return decodeEventLog({ abi, topics: log.topics, data: log.data, strict: true }) as never;
  } catch (error) {
    if (NOT_THIS_EVENT.some((kind) => error instanceof kind)) return undefined;
    throw error;
  }
}

const NOT_THIS_EVENT = [
  AbiEventSignatureEmptyTopicsError,
  AbiEventSignatureNotFoundError,
  AbiDecodingDataSizeTooSmallError,
  DecodeLogDataMismatch,
  DecodeLogTopicsMismatch,
];
