import { ConfigInvalidError, type Erc1155Source, type Erc721Source } from "@sigil/core";
import { sourceRef } from "./source-ref.js";

/** A token source's `min` as a count; anything but a whole number of at least 1 is a config error. */
export function tokenMinimum(source: Erc721Source | Erc1155Source): bigint {
  if (!Number.isSafeInteger(source.min) || source.min < 1) {
    const id = sourceRef(source).id;
    throw new ConfigInvalidError(
      `policy source ${id}: min ${source.min} is not a whole number of at least 1`,
      {
        details: { key: "min", source: id, min: source.min },
      },
    );
  }
  return BigInt(source.min);
}
