import type { Address } from "viem";
import { sigilVotesTokenAbi, sigilVotesTokenBytecode } from "../abi/generated/index.js";
import {
  devAccessManagerAbi,
  devAccessManagerBytecode,
  devPass1155Abi,
  devPass1155Bytecode,
  devPassAbi,
  devPassBytecode,
  devVaultAbi,
  devVaultBytecode,
} from "../abi/generated/testing.js";
import { VOTES_TOKEN_SUPPLY } from "./deploy-access-stack.js";
import { confirm, deployContract, type DeployClients } from "./transactions.js";

/** What {@link deployPolicyDemoOz} deploys; the wallet's account owns and administers all of it. */
export interface DeployPolicyDemoOzParameters extends DeployClients {
  /** Mints one DevPass (ERC-721) to `passHolder` (dev account 2 in the demo); nothing when absent. */
  seed?: { passHolder: Address };
}

/** Addresses of the OpenZeppelin-based policy sources of the demo. */
export interface PolicyDemoOz {
  /** DevVault: AccessControl, the deployer holds DEFAULT_ADMIN_ROLE. */
  vault: Address;
  /** DevAccessManager: the deployer is in ADMIN_ROLE (id 0). */
  manager: Address;
  /** DevPass: ERC-721, the deployer mints. */
  pass: Address;
  /** DevPass1155: ERC-1155, the deployer mints. */
  pass1155: Address;
  /** SigilVotesToken: ERC20Votes, the whole supply minted to the deployer (undelegated). */
  token: Address;
  /** Block of the first deployment: where an event follower starts. */
  deployedAtBlock: bigint;
}

/**
 * Deploys one contract of each OpenZeppelin source kind (AccessControl, AccessManager, ERC-20 with
 * votes, ERC-721, ERC-1155) for tests and dev mode, owned by the wallet's account.
 */
export async function deployPolicyDemoOz(params: DeployPolicyDemoOzParameters): Promise<PolicyDemoOz> {
  const deployer = params.walletClient.account.address;
  const vault = await deployContract(params, {
    name: "DevVault",
    abi: devVaultAbi,
    bytecode: devVaultBytecode,
    args: [deployer],
  });
  const manager = await deployContract(params, {
    name: "DevAccessManager",
    abi: devAccessManagerAbi,
    bytecode: devAccessManagerBytecode,
    args: [deployer],
  });
  const pass = await deployContract(params, {
    name: "DevPass",
    abi: devPassAbi,
    bytecode: devPassBytecode,
    args: [deployer],
  });
  const pass1155 = await deployContract(params, {
    name: "DevPass1155",
    abi: devPass1155Abi,
    bytecode: devPass1155Bytecode,
    args: [deployer],
  });
  const token = await deployContract(params, {
    name: "SigilVotesToken",
    abi: sigilVotesTokenAbi,
    bytecode: sigilVotesTokenBytecode,
    args: [deployer, VOTES_TOKEN_SUPPLY],
  });
  if (params.seed) {
    const hash = await params.walletClient.writeContract({
      address: pass.address,
      abi: devPassAbi,
      functionName: "mint",
      args: [params.seed.passHolder],
    });
    await confirm(params.publicClient, hash, `DevPass.mint(${params.seed.passHolder})`);
  }
  return {
    vault: vault.address,
    manager: manager.address,
    pass: pass.address,
    pass1155: pass1155.address,
    token: token.address,
    deployedAtBlock: vault.blockNumber,
  };
}
