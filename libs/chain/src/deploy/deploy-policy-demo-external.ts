import { ConfigInvalidError } from "@sigil/core";
import {
  type Address,
  encodeAbiParameters,
  encodeFunctionData,
  getAddress,
  type Hex,
  parseEventLogs,
  type TransactionReceipt,
  zeroAddress,
  zeroHash,
} from "viem";
import {
  devSafeAbi,
  devSafeBytecode,
  devSafeProxyFactoryAbi,
  devSafeProxyFactoryBytecode,
  easAbi,
  easBytecode,
  schemaRegistryAbi,
  schemaRegistryBytecode,
} from "../abi/generated/testing.js";
import { TransactionRevertedError } from "./transaction-reverted-error.js";
import { confirm, deployContract, type DeployClients, type DeployWalletClient } from "./transactions.js";

/** The demo KYC schema: one boolean, no resolver, revocable. */
export const KYC_SCHEMA = "bool kyc";

/** What {@link deployPolicyDemoExternal} deploys, and whom it attests. */
export interface DeployPolicyDemoExternalParameters extends DeployClients {
  /** Owners of the demo Safe (threshold 1). */
  safeOwners: readonly Address[];
  /** Attest KYC (`true`, never expiring) to `recipients`, sent by `attester`. */
  kyc?: { attester: DeployWalletClient; recipients: readonly Address[] };
}

/** Addresses of the external demo contracts and what the policy sources need to read them. */
export interface PolicyDemoExternal {
  schemaRegistry: Address;
  eas: Address;
  /** The uid of {@link KYC_SCHEMA} in the registry. */
  kycSchema: Hex;
  safeSingleton: Address;
  safeProxyFactory: Address;
  safe: Address;
  /** The attestation uid for each KYC recipient, in the order given. */
  kycAttestations: Hex[];
  /** Block of the first deployment: an EAS source's `fromBlock` and where a follower starts. */
  deployedAtBlock: bigint;
}

/**
 * Deploys EAS (schema registry and EAS), registers {@link KYC_SCHEMA}, deploys the Safe singleton and
 * proxy factory and creates a Safe of `safeOwners` with threshold 1; then attests KYC to the given
 * recipients. For dev chains and tests: the demo sources of the `eas` and `safe` policy kinds.
 */
export async function deployPolicyDemoExternal(
  params: DeployPolicyDemoExternalParameters,
): Promise<PolicyDemoExternal> {
  if (params.safeOwners.length === 0) {
    throw new ConfigInvalidError("the demo Safe needs at least one owner", {
      details: { key: "safeOwners" },
    });
  }
  const schemaRegistry = await deployContract(params, {
    name: "SchemaRegistry",
    abi: schemaRegistryAbi,
    bytecode: schemaRegistryBytecode,
    args: [],
  });
  const eas = await deployContract(params, {
    name: "EAS",
    abi: easAbi,
    bytecode: easBytecode,
    args: [schemaRegistry.address],
  });
  const kycSchema = await registerSchema(params, schemaRegistry.address);
  const safeSingleton = await deployContract(params, {
    name: "Safe",
    abi: devSafeAbi,
    bytecode: devSafeBytecode,
    args: [],
  });
  const safeProxyFactory = await deployContract(params, {
    name: "SafeProxyFactory",
    abi: devSafeProxyFactoryAbi,
    bytecode: devSafeProxyFactoryBytecode,
    args: [],
  });
  const safe = await createSafe(params, safeProxyFactory.address, safeSingleton.address);
  const kycAttestations = params.kyc
    ? await attestKyc({
        publicClient: params.publicClient,
        ...params.kyc,
        eas: eas.address,
        schema: kycSchema,
      })
    : [];
  return {
    schemaRegistry: schemaRegistry.address,
    eas: eas.address,
    kycSchema,
    safeSingleton: safeSingleton.address,
    safeProxyFactory: safeProxyFactory.address,
    safe,
    kycAttestations,
    deployedAtBlock: schemaRegistry.blockNumber,
  };
}

async function registerSchema(
  { publicClient, walletClient }: DeployClients,
  registry: Address,
): Promise<Hex> {
  const hash = await walletClient.writeContract({
    address: registry,
    abi: schemaRegistryAbi,
    functionName: "register",
    args: [KYC_SCHEMA, zeroAddress, true],
  });
  const receipt = await confirm(publicClient, hash, `SchemaRegistry.register(${KYC_SCHEMA})`);
  return onlyEvent(
    receipt,
    parseEventLogs({ abi: schemaRegistryAbi, eventName: "Registered", logs: receipt.logs }),
  ).args.uid;
}

async function createSafe(
  { publicClient, walletClient, safeOwners }: DeployPolicyDemoExternalParameters,
  factory: Address,
  singleton: Address,
): Promise<Address> {
  const setup = encodeFunctionData({
    abi: devSafeAbi,
    functionName: "setup",
    args: [safeOwners, 1n, zeroAddress, "0x", zeroAddress, zeroAddress, 0n, zeroAddress],
  });
  const hash = await walletClient.writeContract({
    address: factory,
    abi: devSafeProxyFactoryAbi,
    functionName: "createProxyWithNonce",
    args: [singleton, setup, 0n],
  });
  const receipt = await confirm(publicClient, hash, "SafeProxyFactory.createProxyWithNonce");
  const created = parseEventLogs({
    abi: devSafeProxyFactoryAbi,
    eventName: "ProxyCreation",
    logs: receipt.logs,
  });
  return getAddress(onlyEvent(receipt, created).args.proxy);
}

interface AttestKycParameters {
  publicClient: DeployClients["publicClient"];
  attester: DeployWalletClient;
  recipients: readonly Address[];
  eas: Address;
  schema: Hex;
}

async function attestKyc({
  publicClient,
  attester,
  recipients,
  eas,
  schema,
}: AttestKycParameters): Promise<Hex[]> {
  const uids: Hex[] = [];
  for (const recipient of recipients) {
    const hash = await attester.writeContract({
      address: eas,
      abi: easAbi,
      functionName: "attest",
      args: [
        {
          schema,
          data: {
            recipient,
            expirationTime: 0n,
            revocable: true,
            refUID: zeroHash,
            data: encodeAbiParameters([{ type: "bool" }], [true]),
            value: 0n,
          },
        },
      ],
    });
    const receipt = await confirm(publicClient, hash, `EAS.attest(KYC, ${recipient})`);
    uids.push(
      onlyEvent(receipt, parseEventLogs({ abi: easAbi, eventName: "Attested", logs: receipt.logs })).args.uid,
    );
  }
  return uids;
}

function onlyEvent<E>(receipt: TransactionReceipt, events: E[]): E {
  const [event] = events;
  if (!event) {
    throw new TransactionRevertedError(`transaction ${receipt.transactionHash} emitted no expected event`, {
      details: { transactionHash: receipt.transactionHash },
    });
  }
  return event;
}
