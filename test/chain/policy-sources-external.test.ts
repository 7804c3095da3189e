import { ChainClient } from "@sigil/chain";
import {
  deployPolicyDemoExternal,
  devAccount,
  devSafeAbi,
  easAbi,
  type PolicyDemoExternal,
  schemaRegistryAbi,
} from "@sigil/chain/dev";
import {
  type BlockRef,
  type EasSource,
  PolicySourceUnavailableError,
  RpcUnavailableError,
  type SafeSource,
} from "@sigil/core";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import {
  type Address,
  concat,
  createTestClient,
  encodeAbiParameters,
  encodeEventTopics,
  encodeFunctionData,
  getAddress,
  type Hex,
  http,
  type Log,
  pad,
  parseAbi,
  parseEventLogs,
  type TransactionReceipt,
  zeroAddress,
  zeroHash,
} from "viem";
import { hardhat } from "viem/chains";
import { easSource } from "../../libs/chain/src/policy/sources/eas-source.js";
import { safeSource } from "../../libs/chain/src/policy/sources/safe-source.js";
import { type LocalChain, startLocalChain } from "../fixtures/local-chain.js";

// Dev accounts by role in this suite (DESIGN.md fixes 0-3; the rest are free).
const DEPLOYER = 0;
const KYC_HOLDER = 1;
const ATTESTER = 4;
const UNTRUSTED_ATTESTER = 5;
const SAFE_OWNER = 6;
const CANDIDATE_OWNER = 7;
let nextRecipient = 10;
/** A fresh account per test, so attestations of one test never answer for another. */
const freshRecipient = (): Address => devAccount(nextRecipient++).address;
const address = (index: number): Address => devAccount(index).address;

const SENTINEL_OWNERS: Address = "0x0000000000000000000000000000000000000001";

describe("eas and safe policy sources against a local chain over HTTP", () => {
  let chain: LocalChain;
  let client: ChainClient;
  let demo: PolicyDemoExternal;
  let eas: EasSource & { id: string };
  let safe: SafeSource & { id: string };

  beforeAll(async () => {
    chain = await startLocalChain();
    demo = await deployPolicyDemoExternal({
      publicClient: chain.publicClient,
      walletClient: chain.wallet(DEPLOYER),
      safeOwners: [address(SAFE_OWNER)],
      kyc: { attester: chain.wallet(ATTESTER), recipients: [address(KYC_HOLDER)] },
    });
    client = chainClient(chain.url);
    eas = {
      id: "kyc",
      kind: "eas",
      chain: 31337,
      address: demo.eas,
      reach: "eoa-anywhere",
      schema: demo.kycSchema,
      attesters: [address(ATTESTER)],
      fromBlock: Number(demo.deployedAtBlock),
    };
    safe = { id: "safe", kind: "safe", chain: 31337, address: demo.safe, reach: "sign-in-chain" };
  });

  afterAll(() => chain.stop());

  /** The latest block as a pin, and its time as `now` (the chain's clock may run ahead after time travel). */
  async function latest(): Promise<{ block: BlockRef; now: Date; timestamp: bigint }> {
    const head = await chain.publicClient.getBlock({ blockTag: "latest" });
    return {
      block: { chainId: 31337, number: head.number, hash: head.hash },
      now: new Date(Number(head.timestamp) * 1000),
      timestamp: head.timestamp,
    };
  }

  async function readEas(
    account: Address,
    at?: { block: BlockRef; now: Date },
    source: EasSource & { id: string } = eas,
  ) {
    const { block, now } = at ?? (await latest());
    return easSource.read({ chain: client, source, account, block, now });
  }

  async function attest(p: {
    recipient: Address;
    from?: number;
    schema?: Hex;
    expirationTime?: bigint;
  }): Promise<{ uid: Hex; receipt: TransactionReceipt }> {
    const hash = await chain.wallet(p.from ?? ATTESTER).writeContract({
      address: demo.eas,
      abi: easAbi,
      functionName: "attest",
      args: [
        {
          schema: p.schema ?? demo.kycSchema,
          data: {
            recipient: p.recipient,
            expirationTime: p.expirationTime ?? 0n,
            revocable: true,
            refUID: zeroHash,
            data: encodeAbiParameters([{ type: "bool" }], [true]),
            value: 0n,
          },
        },
      ],
    });
    const receipt = await mined(hash);
    const [attested] = parseEventLogs({ abi: easAbi, eventName: "Attested", logs: receipt.logs });
    return { uid: attested!.args.uid, receipt };
  }

  async function revoke(uid: Hex, schema: Hex = demo.kycSchema): Promise<TransactionReceipt> {
    const hash = await chain.wallet(ATTESTER).writeContract({
      address: demo.eas,
      abi: easAbi,
      functionName: "revoke",
      args: [{ schema, data: { uid, value: 0n } }],
    });
    return mined(hash);
  }

  async function mined(hash: Hex): Promise<TransactionReceipt> {
    const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
    return receipt;
  }

  /** Runs `data` as a Safe transaction of its one owner, signed by sending it (a pre-validated signature). */
  async function execSafe(data: Hex): Promise<TransactionReceipt> {
    const owner = address(SAFE_OWNER);
    const signatures = concat([pad(owner, { size: 32 }), zeroHash, "0x01"]);
    const hash = await chain.wallet(SAFE_OWNER).writeContract({
      address: demo.safe,
      abi: devSafeAbi,
      functionName: "execTransaction",
      args: [demo.safe, 0n, data, 0, 0n, 0n, 0n, zeroAddress, zeroAddress, signatures],
    });
    const receipt = await mined(hash);
    expect(
      parseEventLogs({ abi: devSafeAbi, eventName: "ExecutionSuccess", logs: receipt.logs }),
    ).toHaveLength(1);
    return receipt;
  }

  describe("easSource.read", () => {
    it("holds for an attestation of the schema by a trusted attester, with no expiry and no scopes", async () => {
      expect(demo.kycAttestations).toHaveLength(1);
      await expect(readEas(address(KYC_HOLDER))).resolves.toEqual({ holds: true, scopes: [] });
      await expect(readEas(freshRecipient())).resolves.toEqual({ holds: false, scopes: [] });
    });

    it("stops holding once the attestation is revoked, and a read pinned before the revocation still holds", async () => {
      const recipient = freshRecipient();
      const { uid } = await attest({ recipient });
      const attested = await latest();
      expect((await readEas(recipient, attested)).holds).toBe(true);

      await revoke(uid);
      expect((await readEas(recipient)).holds).toBe(false);
      expect((await readEas(recipient, attested)).holds).toBe(true);
    });

    it("answers as of the pinned block: before the attestation, the account did not hold", async () => {
      const recipient = freshRecipient();
      const before = await latest();
      await attest({ recipient });
      expect((await readEas(recipient)).holds).toBe(true);
      expect((await readEas(recipient, before)).holds).toBe(false);
    });

    it("reports an expiring attestation's expiry, and refuses it once `now` is past it though no block was mined", async () => {
      const recipient = freshRecipient();
      const expirationTime = (await latest()).timestamp + 3_600n;
      await attest({ recipient, expirationTime });
      const { block, now } = await latest();
      await expect(readEas(recipient, { block, now })).resolves.toEqual({
        holds: true,
        scopes: [],
        validUntil: new Date(Number(expirationTime) * 1000),
      });
      const pastExpiry = new Date(Number(expirationTime + 1n) * 1000);
      await expect(readEas(recipient, { block, now: pastExpiry })).resolves.toEqual({
        holds: false,
        scopes: [],
      });
      const atExpiry = new Date(Number(expirationTime) * 1000);
      expect((await readEas(recipient, { block, now: atExpiry })).holds).toBe(false);
    });

    it("refuses an attestation the pinned block's time has passed, even when `now` has not", async () => {
      const recipient = freshRecipient();
      const expirationTime = (await latest()).timestamp + 100n;
      await attest({ recipient, expirationTime });
      const testClient = createTestClient({ chain: hardhat, mode: "hardhat", transport: http(chain.url) });
      await testClient.increaseTime({ seconds: 200 });
      await testClient.mine({ blocks: 1 });
      const { block, timestamp } = await latest();
      expect(timestamp).toBeGreaterThan(expirationTime);
      const beforeExpiry = new Date(Number(expirationTime - 10n) * 1000);
      await expect(readEas(recipient, { block, now: beforeExpiry })).resolves.toEqual({
        holds: false,
        scopes: [],
      });
    });

    it("is valid until the latest expiry among valid attestations, and open-ended once one never expires", async () => {
      const recipient = freshRecipient();
      const base = (await latest()).timestamp;
      await attest({ recipient, expirationTime: base + 1_000n });
      await attest({ recipient, expirationTime: base + 5_000n });
      expect((await readEas(recipient)).validUntil).toEqual(new Date(Number(base + 5_000n) * 1000));
      await attest({ recipient });
      await expect(readEas(recipient)).resolves.toEqual({ holds: true, scopes: [] });
    });

    it("does not hold for an untrusted attester or another schema", async () => {
      const recipient = freshRecipient();
      await attest({ recipient, from: UNTRUSTED_ATTESTER });
      const otherSchema = await registerSchema("uint256 score");
      await attest({ recipient, schema: otherSchema });
      expect((await readEas(recipient)).holds).toBe(false);
      // The same attestations count for a source that trusts that attester or names that schema.
      const trusting = { ...eas, attesters: [address(UNTRUSTED_ATTESTER)] };
      expect((await readEas(recipient, undefined, trusting)).holds).toBe(true);
      expect((await readEas(recipient, undefined, { ...eas, schema: otherSchema })).holds).toBe(true);
    });

    it("sends the logs with the canonical-block check, then the attestation reads, each as one JSON-RPC batch", async () => {
      const recipient = freshRecipient();
      await attest({ recipient });
      await attest({ recipient });
      const proxy = await countingProxy(chain.url);
      try {
        const { block, now } = await latest();
        const answer = await easSource.read({
          chain: chainClient(proxy.url),
          source: eas,
          account: recipient,
          block,
          now,
        });
        expect(answer.holds).toBe(true);
        // chain id, the Attested logs with the block header, then both getAttestation calls together.
        expect(proxy.callsPerRequest).toEqual([1, 2, 2]);
      } finally {
        await proxy.close();
      }
    });

    it("fails with rpc_unavailable, not 'does not hold', when the pinned block was reorganised away", async () => {
      const testClient = createTestClient({ chain: hardhat, mode: "hardhat", transport: http(chain.url) });
      const recipient = freshRecipient();
      const snapshot = await testClient.snapshot();
      await attest({ recipient });
      const orphaned = await latest();
      await testClient.revert({ id: snapshot });
      await testClient.mine({ blocks: 1 });
      const replacement = await latest();
      expect(replacement.block.number).toBe(orphaned.block.number);
      expect(replacement.block.hash).not.toBe(orphaned.block.hash);
      // The logs now come from the replacement block (no attestation): only the hash check notices.
      await expect(readEas(recipient, orphaned)).rejects.toBeInstanceOf(RpcUnavailableError);
    });

    it("fails with rpc_unavailable, not 'does not hold', when the RPC is unreachable", async () => {
      const { block, now } = await latest();
      const read = easSource.read({
        chain: chainClient("http://127.0.0.1:9"),
        source: eas,
        account: address(KYC_HOLDER),
        block,
        now,
      });
      await expect(read).rejects.toBeInstanceOf(RpcUnavailableError);
    });
  });

  describe("easSource.touched", () => {
    it("decodes real Attested and Revoked logs to the recipient, and ignores other schemas and attesters", async () => {
      const recipient = freshRecipient();
      const { uid, receipt: attestedReceipt } = await attest({ recipient });
      const revokedReceipt = await revoke(uid);
      const untrusted = (await attest({ recipient, from: UNTRUSTED_ATTESTER })).receipt;
      const otherSchema = await registerSchema("string note");
      const other = (await attest({ recipient, schema: otherSchema })).receipt;

      const touched = (log: Log) => easSource.touched({ source: eas, log });
      expect(touched(easLog(attestedReceipt))).toEqual({ accounts: [getAddress(recipient)] });
      // A revocation narrows: sessions lose the scope, they are not ended.
      expect(touched(easLog(revokedReceipt))).toEqual({ accounts: [getAddress(recipient)] });
      expect(touched(easLog(untrusted))).toBeUndefined();
      expect(touched(easLog(other))).toBeUndefined();
      // The same log from another contract is not this source's.
      expect(
        easSource.touched({ source: { ...eas, address: demo.safe }, log: easLog(attestedReceipt) }),
      ).toBeUndefined();
    });

    it("follows exactly the Attested and Revoked events", async () => {
      const logs = await chain.publicClient.getLogs({
        address: demo.eas,
        events: easSource.events,
        fromBlock: demo.deployedAtBlock,
      });
      expect(new Set(logs.map((log) => log.eventName))).toEqual(new Set(["Attested", "Revoked"]));
    });
  });

  describe("easSource.check", () => {
    it("accepts the EAS contract with the schema registered", async () => {
      await expect(easSource.check({ chain: client, source: eas })).resolves.toBeUndefined();
    });

    it.each([
      ["an address with no code", () => address(CANDIDATE_OWNER)],
      ["a contract of another kind (a Safe)", () => demo.safe],
      ["a contract of another kind (the schema registry)", () => demo.schemaRegistry],
    ])("refuses %s with policy_source_unavailable", async (_, target) => {
      const error = await easSource
        .check({ chain: client, source: { ...eas, address: target() } })
        .catch((e) => e);
      expect(error).toBeInstanceOf(PolicySourceUnavailableError);
      expect((error as PolicySourceUnavailableError).details).toMatchObject({
        chainId: 31337,
        address: target(),
      });
    });

    it("refuses a schema the registry does not hold", async () => {
      const source = { ...eas, schema: pad("0x5167", { size: 32 }) };
      await expect(easSource.check({ chain: client, source })).rejects.toBeInstanceOf(
        PolicySourceUnavailableError,
      );
    });
  });

  describe("safeSource", () => {
    it("holds for an owner, not for anyone else, with no scopes", async () => {
      const { block, now } = await latest();
      const read = (account: Address) =>
        safeSource.read({ chain: client, source: safe, account, block, now });
      await expect(read(address(SAFE_OWNER))).resolves.toEqual({ holds: true, scopes: [] });
      await expect(read(address(CANDIDATE_OWNER))).resolves.toEqual({ holds: false, scopes: [] });
    });

    it("follows owners added and removed, answers as of the pinned block, and decodes their logs", async () => {
      const candidate = address(CANDIDATE_OWNER);
      const read = async (at?: { block: BlockRef; now: Date }) => {
        const { block, now } = at ?? (await latest());
        return (await safeSource.read({ chain: client, source: safe, account: candidate, block, now })).holds;
      };
      const before = await latest();
      const added = await execSafe(
        encodeFunctionData({ abi: devSafeAbi, functionName: "addOwnerWithThreshold", args: [candidate, 1n] }),
      );
      const whileOwner = await latest();
      expect(await read()).toBe(true);
      expect(await read(before)).toBe(false);

      const owners = await chain.publicClient.readContract({
        address: demo.safe,
        abi: devSafeAbi,
        functionName: "getOwners",
      });
      const index = owners.findIndex((owner) => owner === candidate);
      const previous = index === 0 ? SENTINEL_OWNERS : owners[index - 1]!;
      const removed = await execSafe(
        encodeFunctionData({ abi: devSafeAbi, functionName: "removeOwner", args: [previous, candidate, 1n] }),
      );
      expect(await read()).toBe(false);
      expect(await read(whileOwner)).toBe(true);

      const touched = (receipt: TransactionReceipt, eventName: "AddedOwner" | "RemovedOwner") =>
        safeSource.touched({ source: safe, log: safeLog(receipt, eventName) });
      expect(touched(added, "AddedOwner")).toEqual({ accounts: [candidate] });
      // Losing ownership takes the fact away: sessions that lose a scope end.
      expect(touched(removed, "RemovedOwner")).toEqual({ accounts: [candidate], ends: true });
    });

    it("decodes a threshold change as touching nobody", async () => {
      const changed = await execSafe(
        encodeFunctionData({ abi: devSafeAbi, functionName: "changeThreshold", args: [1n] }),
      );
      expect(safeSource.touched({ source: safe, log: safeLog(changed, "ChangedThreshold") })).toEqual({
        accounts: [],
      });
    });

    it("decodes Safe 1.3.0 owner events, whose owner is not indexed", () => {
      const v13 = parseAbi(["event AddedOwner(address owner)", "event RemovedOwner(address owner)"]);
      const owner = address(CANDIDATE_OWNER);
      const log = (eventName: "AddedOwner" | "RemovedOwner"): Log =>
        ({
          address: demo.safe,
          topics: encodeEventTopics({ abi: v13, eventName }),
          data: encodeAbiParameters([{ type: "address" }], [owner]),
        }) as Log;
      expect(safeSource.touched({ source: safe, log: log("AddedOwner") })).toEqual({ accounts: [owner] });
      expect(safeSource.touched({ source: safe, log: log("RemovedOwner") })).toEqual({
        accounts: [owner],
        ends: true,
      });
      // Both shapes are followed, so a strict decoder of the fetched logs keeps 1.3.0 ones too.
      expect(safeSource.events.filter((event) => event.name === "AddedOwner")).toHaveLength(2);
    });

    it("accepts a Safe, and refuses an address with no code or another kind of contract", async () => {
      await expect(safeSource.check({ chain: client, source: safe })).resolves.toBeUndefined();
      for (const target of [address(CANDIDATE_OWNER), demo.eas]) {
        const error = await safeSource
          .check({ chain: client, source: { ...safe, address: target } })
          .catch((e) => e);
        expect(error).toBeInstanceOf(PolicySourceUnavailableError);
      }
    });

    it("fails a read of another kind of contract with policy_source_unavailable", async () => {
      const { block, now } = await latest();
      const read = safeSource.read({
        chain: client,
        source: { ...safe, address: demo.eas },
        account: address(SAFE_OWNER),
        block,
        now,
      });
      await expect(read).rejects.toBeInstanceOf(PolicySourceUnavailableError);
    });
  });

  async function registerSchema(schema: string): Promise<Hex> {
    const hash = await chain.wallet(DEPLOYER).writeContract({
      address: demo.schemaRegistry,
      abi: schemaRegistryAbi,
      functionName: "register",
      args: [schema, zeroAddress, true],
    });
    const receipt = await mined(hash);
    return parseEventLogs({ abi: schemaRegistryAbi, eventName: "Registered", logs: receipt.logs })[0]!.args
      .uid;
  }

  /** The one log of the EAS contract in a receipt, as the node returned it (topics and data, undecoded). */
  function easLog(receipt: TransactionReceipt): Log {
    const logs = receipt.logs.filter((log) => log.address.toLowerCase() === demo.eas.toLowerCase());
    expect(logs).toHaveLength(1);
    return logs[0]!;
  }

  function safeLog(
    receipt: TransactionReceipt,
    eventName: "AddedOwner" | "RemovedOwner" | "ChangedThreshold",
  ): Log {
    const [event] = parseEventLogs({ abi: devSafeAbi, eventName, logs: receipt.logs });
    const log = receipt.logs.find((candidate) => candidate.logIndex === event?.logIndex);
    expect(log).toBeDefined();
    return log!;
  }
});

function chainClient(url: string): ChainClient {
  return new ChainClient({
    chainId: 31337,
    name: "local",
    rpcUrls: [url],
    registry: zeroAddress,
    timeoutMs: 2_000,
  });
}

/** An HTTP proxy in front of the chain that records how many JSON-RPC calls each HTTP request carried. */
async function countingProxy(target: string) {
  const callsPerRequest: number[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    const parsed = JSON.parse(body) as unknown;
    callsPerRequest.push(Array.isArray(parsed) ? parsed.length : 1);
    const upstream = await fetch(target, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    res.writeHead(upstream.status, { "content-type": "application/json" });
    res.end(await upstream.text());
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    callsPerRequest,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
