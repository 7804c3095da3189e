import { ConfigInvalidError } from "@sigil/core";
import { DEV_CHAIN_ID, DEV_MNEMONIC } from "@sigil/chain/dev";
import { pbkdf2Sync } from "node:crypto";
import { readFile } from "node:fs/promises";
import { isAddressEqual, type Address, type Hex } from "viem";
import { HDKey, hdKeyToAccount, type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";

/** Hardhat's dev accounts a deployer key must not be outside the dev chain: its first 20. */
export const PUBLIC_DEV_ACCOUNT_COUNT = 20;

// A key on the command line lands in shell history and `ps`: only the file or the environment.
const KEY_FLAG = /^-{1,2}(?:deployer[-_]?|private[-_]?|priv[-_]?)?(?:key|pk)(?:=|$)/i;
// A bare 32-byte hex value anywhere in argv is most likely a key given by mistake.
const KEY_LIKE = /(?:^|=)(?:0x)?[0-9a-f]{64}$/i;
const KEY_FORMAT = /^0x[0-9a-fA-F]{64}$/;

const refuse = (key: string, message: string) => new ConfigInvalidError(message, { details: { key } });

/**
 * Throws `deployer_key_flag` when `args` carry a key (a key flag, or a value shaped like one); the
 * message names neither the value nor the argument, so the key is never echoed.
 */
export function refuseKeyArguments(args: readonly string[]): void {
  if (args.some((arg) => KEY_FLAG.test(arg) || KEY_LIKE.test(arg)))
    throw refuse(
      "deployer_key_flag",
      "a deployer key is never taken as an argument (it would land in shell history and the process " +
        "list): set SIGIL_DEPLOYER_KEY_FILE to a file holding it, or SIGIL_DEPLOYER_KEY",
    );
}

const present = (value: string | undefined) => value !== undefined && value.trim() !== "";

/** The deployer account from `SIGIL_DEPLOYER_KEY_FILE` or `SIGIL_DEPLOYER_KEY` (exactly one). */
export async function readDeployerKey(env: NodeJS.ProcessEnv): Promise<PrivateKeyAccount> {
  const file = env.SIGIL_DEPLOYER_KEY_FILE;
  const inline = env.SIGIL_DEPLOYER_KEY;
  if (present(file) && present(inline))
    throw refuse(
      "deployer_key_ambiguous",
      "both SIGIL_DEPLOYER_KEY_FILE and SIGIL_DEPLOYER_KEY are set: set only one",
    );
  if (!present(file) && !present(inline))
    throw refuse(
      "deployer_key_missing",
      "no deployer key: set SIGIL_DEPLOYER_KEY_FILE to a file holding the 0x-prefixed key, or SIGIL_DEPLOYER_KEY",
    );
  const source = present(file) ? "SIGIL_DEPLOYER_KEY_FILE" : "SIGIL_DEPLOYER_KEY";
  let text: string;
  try {
    text = present(file) ? await readFile(file!.trim(), "utf8") : inline!;
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw refuse("deployer_key_unreadable", `SIGIL_DEPLOYER_KEY_FILE cannot be read (${reason})`);
  }
  const key = text.trim();
  try {
    if (!KEY_FORMAT.test(key)) throw new Error("format");
    return privateKeyToAccount(key as Hex);
  } catch {
    // Never the value: only what shape it should have.
    throw refuse("deployer_key_invalid", `${source}: must hold a 0x-prefixed 32-byte hex private key`);
  }
}

let devAddresses: readonly Address[] | undefined;

/** Addresses of the first {@link PUBLIC_DEV_ACCOUNT_COUNT} accounts of Hardhat's public mnemonic. */
export function publicDevAddresses(): readonly Address[] {
  // The BIP-39 seed once, with Node's native PBKDF2, instead of viem's JS one per account.
  if (!devAddresses) {
    const seed = pbkdf2Sync(DEV_MNEMONIC.normalize("NFKD"), "mnemonic", 2048, 64, "sha512");
    const master = HDKey.fromMasterSeed(seed);
    devAddresses = Array.from(
      { length: PUBLIC_DEV_ACCOUNT_COUNT },
      (_, addressIndex) => hdKeyToAccount(master, { addressIndex }).address,
    );
  }
  return devAddresses;
}

/** Throws `deployer_key_public_dev_key` when `deployer` is a public dev account and the chain is not the dev chain. */
export function refusePublicDevKey(deployer: Address, chainId: number): void {
  if (chainId === DEV_CHAIN_ID) return;
  const index = publicDevAddresses().findIndex((address) => isAddressEqual(address, deployer));
  if (index >= 0)
    throw refuse(
      "deployer_key_public_dev_key",
      `the deployer key is Hardhat's public dev account ${index} (anyone can spend from it): ` +
        `refused on chain ${chainId}, allowed on ${DEV_CHAIN_ID} only`,
    );
}
