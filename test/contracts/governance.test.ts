import {
  encodeFunctionData,
  getContract,
  keccak256,
  stringToBytes,
  zeroHash,
  type Address,
  type Hex,
  type TransactionReceipt,
} from "viem";
import {
  accessRegistryAbi,
  sigilGovernorAbi,
  sigilTimelockAbi,
} from "../../libs/chain/src/abi/generated/index.js";
import { deployAccessStack, seedDemoRoles, VOTES_TOKEN_SUPPLY } from "../../libs/chain/src/deploy/index.js";
import {
  increaseTime,
  isolateEachTest,
  mineBlocks,
  publicClient,
  testAccounts,
  walletFor,
} from "./support/chain.js";
import { expectRevert } from "./support/reverts.js";
import { eventsOf, mined } from "./support/transactions.js";

const SETTINGS = { votingDelay: 2, votingPeriod: 5, quorumPercent: 4, timelockDelay: 3_600 };
const TRADER = keccak256(stringToBytes("TRADER"));
const ProposalState = { Pending: 0, Active: 1, Defeated: 3, Succeeded: 4, Queued: 5, Executed: 7 } as const;
const VoteType = { Against: 0, For: 1 } as const;

/** One registry call a proposal makes through the timelock. */
type RegistryCall =
  | { functionName: "removeScope"; args: readonly [Hex, string] }
  | { functionName: "revokeRole"; args: readonly [Hex, Address] };

interface Proposal {
  id: bigint;
  targets: Address[];
  values: bigint[];
  calldatas: Hex[];
  descriptionHash: Hex;
}

describe("AccessRegistry under Governor + Timelock", () => {
  let admin: Address;
  let trader: Address;
  let viewer: Address;
  let outsider: Address;
  let registry: Address;
  let timelock: Address;
  let governor: Address;

  const registryAs = (sender: Address) =>
    getContract({
      address: registry,
      abi: accessRegistryAbi,
      client: { public: publicClient, wallet: walletFor(sender) },
    });
  const governorAs = (sender: Address) =>
    getContract({
      address: governor,
      abi: sigilGovernorAbi,
      client: { public: publicClient, wallet: walletFor(sender) },
    });
  const stateOf = (proposal: Proposal) => governorAs(admin).read.state([proposal.id]);

  beforeAll(async () => {
    [admin, trader, viewer, outsider] = (await testAccounts()) as [Address, Address, Address, Address];
    const walletClient = walletFor(admin);
    const stack = await deployAccessStack({ publicClient, walletClient, governance: SETTINGS });
    if (!stack.timelock || !stack.governor) throw new Error("governance was not deployed");
    ({ registry, timelock, governor } = { ...stack, timelock: stack.timelock, governor: stack.governor });
    await seedDemoRoles({ publicClient, walletClient, registry, trader, viewer });
    // From here on only governance administers the registry.
    await mined(registryAs(admin).write.renounceRole([zeroHash, admin]));
  });

  isolateEachTest();

  async function propose(calls: RegistryCall[], description: string): Promise<Proposal> {
    const targets = calls.map(() => registry);
    const values = calls.map(() => 0n);
    const calldatas = calls.map((call) => encodeFunctionData({ abi: accessRegistryAbi, ...call }));
    const receipt = await mined(governorAs(admin).write.propose([targets, values, calldatas, description]));
    const [created] = eventsOf(receipt, {
      abi: sigilGovernorAbi,
      emitter: governor,
      eventName: "ProposalCreated",
    });
    expect(created?.args).toMatchObject({ proposer: admin, targets, calldatas, description });
    const proposal = {
      id: created!.args.proposalId,
      targets,
      values,
      calldatas,
      descriptionHash: keccak256(stringToBytes(description)),
    };
    expect(await stateOf(proposal)).toBe(ProposalState.Pending);
    return proposal;
  }

  async function vote(proposal: Proposal, support: number): Promise<void> {
    await mineBlocks(SETTINGS.votingDelay + 1);
    expect(await stateOf(proposal)).toBe(ProposalState.Active);
    const receipt = await mined(governorAs(admin).write.castVote([proposal.id, support]));
    const [cast] = eventsOf(receipt, { abi: sigilGovernorAbi, emitter: governor, eventName: "VoteCast" });
    expect(cast?.args).toMatchObject({
      voter: admin,
      proposalId: proposal.id,
      support,
      weight: VOTES_TOKEN_SUPPLY,
    });
    await mineBlocks(SETTINGS.votingPeriod);
  }

  const queue = (proposal: Proposal, sender = admin) =>
    governorAs(sender).write.queue([
      proposal.targets,
      proposal.values,
      proposal.calldatas,
      proposal.descriptionHash,
    ]);
  const execute = (proposal: Proposal, sender = admin) =>
    governorAs(sender).write.execute([
      proposal.targets,
      proposal.values,
      proposal.calldatas,
      proposal.descriptionHash,
    ]);

  /** Propose → vote for → queue → wait out the timelock → execute (by an account with no role at all). */
  async function enact(calls: RegistryCall[], description: string): Promise<TransactionReceipt> {
    const proposal = await propose(calls, description);
    await vote(proposal, VoteType.For);
    expect(await stateOf(proposal)).toBe(ProposalState.Succeeded);

    const queued = await mined(queue(proposal));
    expect(
      eventsOf(queued, { abi: sigilGovernorAbi, emitter: governor, eventName: "ProposalQueued" }),
    ).toHaveLength(1);
    expect(
      eventsOf(queued, { abi: sigilTimelockAbi, emitter: timelock, eventName: "CallScheduled" }),
    ).toHaveLength(calls.length);
    expect(await stateOf(proposal)).toBe(ProposalState.Queued);
    await expectRevert(execute(proposal, outsider), "TimelockUnexpectedOperationState", {
      abi: sigilTimelockAbi,
    });

    await increaseTime(SETTINGS.timelockDelay);
    const executed = await mined(execute(proposal, outsider));
    expect(
      eventsOf(executed, { abi: sigilGovernorAbi, emitter: governor, eventName: "ProposalExecuted" }).map(
        (log) => log.args,
      ),
    ).toEqual([{ proposalId: proposal.id }]);
    expect(
      eventsOf(executed, { abi: sigilTimelockAbi, emitter: timelock, eventName: "CallExecuted" }),
    ).toHaveLength(calls.length);
    expect(await stateOf(proposal)).toBe(ProposalState.Executed);
    return executed;
  }

  it("leaves the timelock as the registry's only admin", async () => {
    expect(await registryAs(admin).read.hasRole([zeroHash, timelock])).toBe(true);
    expect(await registryAs(admin).read.hasRole([zeroHash, admin])).toBe(false);
    expect(await registryAs(admin).read.hasRole([TRADER, trader])).toBe(true);
  });

  it("rejects direct calls by accounts without the admin role", async () => {
    await expectRevert(
      registryAs(admin).write.removeScope([TRADER, "orders:write"]),
      "AccessControlUnauthorizedAccount",
      {
        args: [admin, zeroHash],
      },
    );
    await expectRevert(
      registryAs(trader).write.revokeRole([TRADER, trader]),
      "AccessControlUnauthorizedAccount",
      {
        args: [trader, zeroHash],
      },
    );
    // Nor can the deployer go around the governor through the timelock.
    const timelockAsAdmin = getContract({
      address: timelock,
      abi: sigilTimelockAbi,
      client: { public: publicClient, wallet: walletFor(admin) },
    });
    const proposerRole = await timelockAsAdmin.read.PROPOSER_ROLE();
    const data = encodeFunctionData({
      abi: accessRegistryAbi,
      functionName: "revokeRole",
      args: [TRADER, trader],
    });
    await expectRevert(
      timelockAsAdmin.write.schedule([
        registry,
        0n,
        data,
        zeroHash,
        zeroHash,
        BigInt(SETTINGS.timelockDelay),
      ]),
      "AccessControlUnauthorizedAccount",
      { args: [admin, proposerRole] },
    );
    expect(await registryAs(admin).read.hasScope([TRADER, "orders:write"])).toBe(true);
  });

  it("removes a scope from TRADER through propose → vote → queue → execute", async () => {
    const receipt = await enact(
      [{ functionName: "removeScope", args: [TRADER, "orders:write"] }],
      "Remove orders:write from TRADER",
    );
    expect(
      eventsOf(receipt, { abi: accessRegistryAbi, emitter: registry, eventName: "ScopeRemoved" }).map(
        (log) => log.args,
      ),
    ).toEqual([
      {
        role: TRADER,
        scopeHash: keccak256(stringToBytes("orders:write")),
        scope: "orders:write",
        sender: timelock,
      },
    ]);
    expect(await registryAs(admin).read.hasScope([TRADER, "orders:write"])).toBe(false);
    const [roles, scopes] = await registryAs(admin).read.accessOf([trader]);
    expect(roles).toEqual([TRADER]);
    expect([...scopes].sort()).toEqual(["orders:read", "positions:read"]);
  });

  it("revokes TRADER from account 1 through propose → vote → queue → execute", async () => {
    const receipt = await enact(
      [{ functionName: "revokeRole", args: [TRADER, trader] }],
      "Revoke TRADER from account 1",
    );
    expect(
      eventsOf(receipt, { abi: accessRegistryAbi, emitter: registry, eventName: "RoleRevoked" }).map(
        (log) => log.args,
      ),
    ).toEqual([{ role: TRADER, account: trader, sender: timelock }]);
    expect(await registryAs(admin).read.hasRole([TRADER, trader])).toBe(false);
    expect(await registryAs(admin).read.accessOf([trader])).toEqual([[], []]);
    expect(await registryAs(admin).read.accessOf([viewer])).toEqual([
      [keccak256(stringToBytes("VIEWER"))],
      ["positions:read"],
    ]);
  });

  it("does not enact a proposal that was voted down", async () => {
    const proposal = await propose(
      [{ functionName: "revokeRole", args: [TRADER, trader] }],
      "Revoke TRADER, rejected",
    );
    await vote(proposal, VoteType.Against);
    expect(await stateOf(proposal)).toBe(ProposalState.Defeated);
    await expectRevert(queue(proposal), "GovernorUnexpectedProposalState");
    expect(await registryAs(admin).read.hasRole([TRADER, trader])).toBe(true);
  });
});
