import { SigilError } from "@sigil/core";

/** A transaction was mined but reverted; `details` names the action and the transaction hash. */
export class TransactionRevertedError extends SigilError {
  readonly code = "transaction_reverted";
}
