import { accessRegistryAbi, sigilGovernorAbi, sigilTimelockAbi } from "@sigil/chain";
import { isSigilError } from "@sigil/core";
import { type Address, type Hex, isAddressEqual, keccak256, type PublicClient } from "viem";
import type { ContractName, DeploymentRecord } from "./deployment-record.js";

/** One check of `sigil deploy --verify`; `code` says why it failed (stable). */
export interface VerifyCheck {
  check: string;
  ok: boolean;
  code?: string;
  detail?: string;
}

const DEFAULT_ADMIN_ROLE: Hex = `0x${"00".repeat(32)}`;

/** keccak256 of the runtime code at `address`, or undefined when it has none. */
export async function codeHashOf(publicClient: PublicClient, address: Address): Promise<Hex | undefined> {
  const code = await publicClient.getCode({ address });
  return code === undefined || code === "0x" ? undefined : keccak256(code);
}

const describe = (error: unknown) =>
  error instanceof Error
    ? ((error as { shortMessage?: string }).shortMessage ?? error.message)
    : String(error);

/** Runs `probe`; a thrown error fails the check with `code` (or the error's own stable code). */
async function attempt(check: string, code: string, probe: () => Promise<VerifyCheck>): Promise<VerifyCheck> {
  try {
    return await probe();
  } catch (error) {
    return { check, ok: false, code: isSigilError(error) ? error.code : code, detail: describe(error) };
  }
}

const expect = (check: string, ok: boolean, code: string, detail: string): VerifyCheck =>
  ok ? { check, ok } : { check, ok, code, detail };

/**
 * Checks a recorded deployment on the chain `publicClient` serves: the chain (id, genesis block),
 * each contract's code against its recorded hash, then the wiring `deployAccessStack` left.
 */
export async function verifyDeployment(
  publicClient: PublicClient,
  record: DeploymentRecord,
): Promise<VerifyCheck[]> {
  const chain = await verifyChain(publicClient, record);
  // On another chain every later answer would be about other contracts: report the chain alone.
  if (chain.some((check) => !check.ok)) return chain;
  const code = await Promise.all(
    (Object.entries(record.contracts) as [ContractName, Address | undefined][])
      .filter((entry): entry is [ContractName, Address] => entry[1] !== undefined)
      .map(([name, address]) => verifyCode(publicClient, record, name, address)),
  );
  return [...chain, ...code, ...(await verifyWiring(publicClient, record))];
}

async function verifyChain(publicClient: PublicClient, record: DeploymentRecord): Promise<VerifyCheck[]> {
  const id = await attempt(`chain id ${record.chainId}`, "rpc_unavailable", async () => {
    const answered = await publicClient.getChainId();
    return expect(
      `chain id ${record.chainId}`,
      answered === record.chainId,
      "chain_id_mismatch",
      `the RPC serves chain ${answered}`,
    );
  });
  if (!id.ok) return [id];
  const genesis = await attempt("genesis block", "rpc_unavailable", async () => {
    const block = await publicClient.getBlock({ blockNumber: 0n });
    return expect(
      "genesis block",
      block.hash?.toLowerCase() === record.genesisHash.toLowerCase(),
      "genesis_hash_mismatch",
      `block 0 is ${block.hash}, the record names ${record.genesisHash}`,
    );
  });
  return [id, genesis];
}

async function verifyCode(
  publicClient: PublicClient,
  record: DeploymentRecord,
  name: ContractName,
  address: Address,
): Promise<VerifyCheck> {
  const check = `${name} code at ${address}`;
  return attempt(check, "rpc_unavailable", async () => {
    const hash = await codeHashOf(publicClient, address);
    if (hash === undefined) return { check, ok: false, code: "code_missing", detail: "no contract code" };
    const recorded = record.codeHashes[name];
    return expect(
      check,
      recorded !== undefined && hash === recorded.toLowerCase(),
      "code_hash_mismatch",
      `code hash ${hash}, the record names ${recorded ?? "none"}`,
    );
  });
}

async function verifyWiring(publicClient: PublicClient, record: DeploymentRecord): Promise<VerifyCheck[]> {
  const { registry, token, timelock, governor } = record.contracts;
  const { admin, deployer } = record;
  const registryAdmin = (account: Address) =>
    publicClient.readContract({
      address: registry,
      abi: accessRegistryAbi,
      functionName: "hasRole",
      args: [DEFAULT_ADMIN_ROLE, account],
    });
  const role = (check: string, account: Address, wanted: boolean) =>
    attempt(check, "read_failed", async () =>
      expect(check, (await registryAdmin(account)) === wanted, "wiring_mismatch", `hasRole is ${!wanted}`),
    );
  const probes: Promise<VerifyCheck>[] = [
    role(`registry admin role held by the admin ${admin}`, admin, true),
  ];
  if (!isAddressEqual(admin, deployer))
    probes.push(role(`registry admin role not held by the deployer ${deployer}`, deployer, false));
  if (timelock) probes.push(role(`registry admin role held by the timelock ${timelock}`, timelock, true));
  if (governor && token && timelock)
    probes.push(...governanceWiring(publicClient, record, { token, timelock, governor }));
  return Promise.all(probes);
}

function governanceWiring(
  publicClient: PublicClient,
  { deployer }: DeploymentRecord,
  { token, timelock, governor }: { token: Address; timelock: Address; governor: Address },
): Promise<VerifyCheck>[] {
  const governorRead = (functionName: "token" | "timelock") =>
    publicClient.readContract({ address: governor, abi: sigilGovernorAbi, functionName });
  const timelockRole = async (functionName: "PROPOSER_ROLE" | "DEFAULT_ADMIN_ROLE", account: Address) => {
    const roleId = await publicClient.readContract({
      address: timelock,
      abi: sigilTimelockAbi,
      functionName,
    });
    return publicClient.readContract({
      address: timelock,
      abi: sigilTimelockAbi,
      functionName: "hasRole",
      args: [roleId, account],
    });
  };
  const points = (check: string, functionName: "token" | "timelock", wanted: Address) =>
    attempt(check, "read_failed", async () => {
      const answered = await governorRead(functionName);
      return expect(
        check,
        isAddressEqual(answered, wanted),
        "wiring_mismatch",
        `governor.${functionName}() is ${answered}`,
      );
    });
  return [
    points(`governor token is ${token}`, "token", token),
    points(`governor timelock is ${timelock}`, "timelock", timelock),
    attempt("timelock proposer role held by the governor", "read_failed", async () =>
      expect(
        "timelock proposer role held by the governor",
        await timelockRole("PROPOSER_ROLE", governor),
        "wiring_mismatch",
        "the governor cannot propose",
      ),
    ),
    attempt("timelock admin role renounced by the deployer", "read_failed", async () =>
      expect(
        "timelock admin role renounced by the deployer",
        !(await timelockRole("DEFAULT_ADMIN_ROLE", deployer)),
        "wiring_mismatch",
        "the deployer still administers the timelock",
      ),
    ),
  ];
}
