import {
  type EasSource,
  PolicySourceKind,
  PolicySourceUnavailableError,
  RpcUnavailableError,
  type SourceAnswer,
} from "@sigil/core";
import {
  type Address,
  type ContractFunctionReturnType,
  decodeEventLog,
  getAbiItem,
  getAddress,
  isAddressEqual,
  parseAbi,
  zeroHash,
} from "viem";
import { PinnedReads } from "../../access/pinned-reads.js";
import { callAtHash } from "../../access/call-at-hash.js";
import type { ChainClient } from "../../clients/chain-client.js";
import { toChainError } from "../../errors/to-chain-error.js";
import type { PolicySourceAdapter, ReadSourceParameters, TouchedAccounts } from "./policy-source-adapter.js";
import { sourceRef } from "./source-ref.js";

// The parts of EAS (IEAS, ISchemaRegistry) this source uses; the same in every EAS release since 0.26.
const easAbi = parseAbi([
  "struct Attestation { bytes32 uid; bytes32 schema; uint64 time; uint64 expirationTime; uint64 revocationTime; bytes32 refUID; address recipient; address attester; bool revocable; bytes data; }",
  "function getAttestation(bytes32 uid) view returns (Attestation)",
  "function getSchemaRegistry() view returns (address)",
  "event Attested(address indexed recipient, address indexed attester, bytes32 uid, bytes32 indexed schemaUID)",
  "event Revoked(address indexed recipient, address indexed attester, bytes32 uid, bytes32 indexed schemaUID)",
]);
const schemaRegistryAbi = parseAbi([
  "struct SchemaRecord { bytes32 uid; address resolver; bool revocable; string schema; }",
  "function getSchema(bytes32 uid) view returns (SchemaRecord)",
]);

const attestedEvent = getAbiItem({ abi: easAbi, name: "Attested" });
const revokedEvent = getAbiItem({ abi: easAbi, name: "Revoked" });

type Attestation = ContractFunctionReturnType<typeof easAbi, "view", "getAttestation">;

/**
 * An EAS attestation: holds when the account has an attestation of the source's `schema` by one of
 * its `attesters` that is neither revoked nor expired (by the pinned block's time or by `now`).
 * EAS keeps no index by recipient, so candidates come from `Attested` logs between the source's
 * `fromBlock` and the pinned block; each is then read at the pinned block's hash. Facts only: no scopes.
 */
export const easSource: PolicySourceAdapter<EasSource> = {
  kind: PolicySourceKind.eas,
  events: [attestedEvent, revokedEvent],
  read: readAttestations,
  touched({ source, log }): TouchedAccounts | undefined {
    if (!isAddressEqual(log.address, source.address)) return undefined;
    let decoded;
    try {
      decoded = decodeEventLog({ abi: [attestedEvent, revokedEvent], data: log.data, topics: log.topics });
    } catch {
      return undefined;
    }
    const { recipient, attester, schemaUID } = decoded.args;
    if (schemaUID.toLowerCase() !== source.schema.toLowerCase()) return undefined;
    if (!isTrusted(source, attester)) return undefined;
    // A revocation narrows (a scope lost is dropped from the session), it does not end sessions.
    return { accounts: [getAddress(recipient)] };
  },
  check: checkEas,
};

async function readAttestations({
  chain,
  source,
  account,
  block,
  now,
  reads = new PinnedReads(chain, block.hash),
}: ReadSourceParameters<EasSource>): Promise<SourceAnswer> {
  if (source.attesters.length === 0 || block.number < BigInt(source.fromBlock)) {
    return { holds: false, scopes: [] };
  }
  try {
    await chain.verifyChainId();
    // Logs of a range cannot be pinned to a hash: the header, read with them, shows the pin is canonical.
    const [logs, header] = await Promise.all([
      reads.with(() =>
        chain.client.getLogs({
          address: source.address,
          event: attestedEvent,
          args: { recipient: account, attester: source.attesters, schemaUID: source.schema },
          fromBlock: BigInt(source.fromBlock),
          toBlock: block.number,
          strict: true,
        }),
      ),
      reads.with(() => chain.client.getBlock({ blockNumber: block.number })),
    ]);
    if (header.hash !== block.hash) {
      throw new RpcUnavailableError(
        `chain ${chain.chainId}: block ${block.number} is no longer ${block.hash} (reorganised)`,
        { details: { chainId: chain.chainId, blockNumber: block.number.toString(), blockHash: block.hash } },
      );
    }
    // The candidates are known only now: a second round, sent with the chain's other dependent reads.
    const uids = [...new Set(logs.map((log) => log.args.uid))];
    const attestations = await Promise.all(
      uids.map((uid) =>
        reads.call({ to: source.address, abi: easAbi, functionName: "getAttestation", args: [uid] }),
      ),
    );
    const nowSeconds = BigInt(Math.floor(now.getTime() / 1000));
    const valid = attestations.filter((a) =>
      isValid({ attestation: a, source, account, blockTime: header.timestamp, nowSeconds }),
    );
    return { holds: valid.length > 0, scopes: [], ...validUntil(valid) };
  } catch (error) {
    throw toChainError({
      error,
      chainId: chain.chainId,
      action: `reading EAS attestations of ${account}`,
      policySource: { id: sourceRef(source).id, address: source.address },
    });
  }
}

interface ValidityParameters {
  attestation: Attestation;
  source: EasSource;
  account: Address;
  blockTime: bigint;
  nowSeconds: bigint;
}

function isValid({ attestation: a, source, account, blockTime, nowSeconds }: ValidityParameters): boolean {
  // The log filter matched these already; the stored record guards against a node ignoring topics.
  if (a.uid === zeroHash || a.schema.toLowerCase() !== source.schema.toLowerCase()) return false;
  if (!isAddressEqual(a.recipient, account) || !isTrusted(source, a.attester)) return false;
  if (a.revocationTime !== 0n) return false;
  return a.expirationTime === 0n || (a.expirationTime > blockTime && a.expirationTime > nowSeconds);
}

/** The answer lapses with the last expiring attestation; one that never expires leaves it open. */
function validUntil(valid: readonly Attestation[]): Pick<SourceAnswer, "validUntil"> {
  if (valid.length === 0 || valid.some((a) => a.expirationTime === 0n)) return {};
  const latest = valid.reduce((max, a) => (a.expirationTime > max ? a.expirationTime : max), 0n);
  return { validUntil: new Date(Number(latest) * 1000) };
}

function isTrusted(source: EasSource, attester: Address): boolean {
  return source.attesters.some((trusted) => isAddressEqual(trusted, attester));
}

async function checkEas({ chain, source }: { chain: ChainClient; source: EasSource }): Promise<void> {
  const policySource = { id: sourceRef(source).id, address: source.address };
  try {
    await chain.verifyChainId();
    const head = await chain.client.getBlock({ blockTag: "latest" });
    const code = await chain.client.getCode({ address: source.address, blockNumber: head.number });
    if (code === undefined || code === "0x") {
      throw unavailable(chain, policySource, "has no contract code");
    }
    const at = { client: chain.client, blockHash: head.hash };
    const registry = await callAtHash({
      ...at,
      to: source.address,
      abi: easAbi,
      functionName: "getSchemaRegistry",
      args: [],
    });
    const record = await callAtHash({
      ...at,
      to: registry,
      abi: schemaRegistryAbi,
      functionName: "getSchema",
      args: [source.schema],
    });
    if (record.uid.toLowerCase() !== source.schema.toLowerCase()) {
      throw unavailable(chain, policySource, `has no schema ${source.schema} in its registry ${registry}`);
    }
  } catch (error) {
    throw toChainError({ error, chainId: chain.chainId, action: "checking an EAS source", policySource });
  }
}

function unavailable(
  chain: ChainClient,
  policySource: { id: string; address: Address },
  why: string,
): PolicySourceUnavailableError {
  return new PolicySourceUnavailableError(
    `chain ${chain.chainId}: EAS policy source ${policySource.id} (${policySource.address}) ${why}`,
    { details: { chainId: chain.chainId, source: policySource.id, address: policySource.address } },
  );
}
