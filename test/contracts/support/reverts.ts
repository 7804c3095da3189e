// Assertions on contract reverts, by custom error name and arguments.
import { BaseError, ContractFunctionRevertedError, decodeErrorResult, type Abi, type Hex } from "viem";

/** A custom error as decoded from revert data. */
export interface DecodedRevert {
  errorName: string;
  args: readonly unknown[];
}

/**
 * The custom error a viem call, write or deployment failed with. With `abi`, the raw revert data is
 * decoded with it (for errors the called contract's ABI does not declare, e.g. bubbled from a callee).
 */
export function decodeRevert(error: unknown, abi?: Abi): DecodedRevert | undefined {
  if (!(error instanceof BaseError)) return undefined;
  if (abi !== undefined) {
    const raw = revertData(error);
    if (raw === undefined) return undefined;
    const decoded = decodeErrorResult({ abi, data: raw });
    return { errorName: decoded.errorName, args: decoded.args ?? [] };
  }
  const reverted = error.walk((cause) => cause instanceof ContractFunctionRevertedError);
  if (!(reverted instanceof ContractFunctionRevertedError) || reverted.data === undefined) return undefined;
  return { errorName: reverted.data.errorName, args: reverted.data.args ?? [] };
}

function revertData(error: BaseError): Hex | undefined {
  const reverted = error.walk((cause) => cause instanceof ContractFunctionRevertedError);
  if (reverted instanceof ContractFunctionRevertedError && reverted.raw !== undefined) return reverted.raw;
  const withData = error.walk((cause) => isHex((cause as { data?: unknown } | null)?.data)) as {
    data?: Hex;
  } | null;
  return withData?.data;
}

function isHex(value: unknown): value is Hex {
  return typeof value === "string" && /^0x[0-9a-fA-F]*$/.test(value) && value.length >= 10;
}

export interface ExpectRevertOptions {
  /** Exact error arguments (addresses compared case-insensitively); unchecked when omitted. */
  args?: readonly unknown[];
  /** ABI to decode the revert data with, when the error is not in the called contract's ABI. */
  abi?: Abi;
}

/** Expects `action` to fail with the custom error `errorName` (and `args`, when given). */
export async function expectRevert(
  action: Promise<unknown>,
  errorName: string,
  { args, abi }: ExpectRevertOptions = {},
): Promise<void> {
  const error = await action.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (error === undefined) throw new Error(`expected a revert with ${errorName}, but the call succeeded`);
  const decoded = decodeRevert(error, abi);
  if (decoded === undefined) throw error;
  expect(decoded.errorName).toBe(errorName);
  if (args !== undefined) expect(normalize(decoded.args)).toEqual(normalize(args));
}

function normalize(values: readonly unknown[]): unknown[] {
  return values.map((value) =>
    typeof value === "string" && /^0x[0-9a-fA-F]{40}$/.test(value) ? value.toLowerCase() : value,
  );
}
