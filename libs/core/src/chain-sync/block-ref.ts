/** The block at which on-chain state was read: every grant records one. */
export interface BlockRef {
  chainId: number;
  number: bigint;
  hash: `0x${string}`;
}
