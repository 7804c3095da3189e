import type { ValueTransformer } from "typeorm";

/**
 * Maps Postgres `bigint` (which `pg` returns as a decimal string to keep precision) to a JS `bigint`
 * and back. Block numbers outgrow `Number.MAX_SAFE_INTEGER` on no chain today, but nothing rounds them.
 */
export const bigintTransformer: ValueTransformer = {
  to: (value: bigint | null | undefined): string | null | undefined =>
    value === null || value === undefined ? value : value.toString(),
  from: (value: string | number | bigint | null): bigint | null =>
    value === null || value === undefined ? null : BigInt(value),
};
