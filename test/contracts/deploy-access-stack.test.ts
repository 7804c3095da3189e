import { DEMO_ROLE_SCOPES, DemoRoles } from "@sigil/core";
import { getContract, keccak256, stringToBytes, zeroAddress, zeroHash, type Address } from "viem";
import {
  accessRegistryAbi,
  sigilGovernorAbi,
  sigilTimelockAbi,
  sigilVotesTokenAbi,
} from "../../libs/chain/src/abi/generated/index.js";
import {
  DEV_GOVERNANCE_SETTINGS,
  deployAccessStack,
  seedDemoRoles,
  VOTES_TOKEN_SUPPLY,
} from "../../libs/chain/src/deploy/index.js";
import { isolateEachTest, publicClient, testAccounts, walletFor } from "./support/chain.js";
import { expectRevert } from "./support/reverts.js";

const TRADER = keccak256(stringToBytes("TRADER"));
const VIEWER = keccak256(stringToBytes("VIEWER"));

describe("deployAccessStack and seedDemoRoles", () => {
  let admin: Address;
  let trader: Address;
  let viewer: Address;
  let noRole: Address;
  const registryAt = (address: Address) =>
    getContract({ address, abi: accessRegistryAbi, client: publicClient });

  beforeAll(async () => {
    [admin, trader, viewer, noRole] = (await testAccounts()) as [Address, Address, Address, Address];
  });

  isolateEachTest();

  it("gives dev account 1 the TRADER scopes, account 2 VIEWER and account 3 nothing", async () => {
    const walletClient = walletFor(admin);
    const { registry } = await deployAccessStack({ publicClient, walletClient });
    const ids = await seedDemoRoles({ publicClient, walletClient, registry, trader, viewer });
    expect(ids).toEqual({ trader: TRADER, viewer: VIEWER });

    const access = (account: Address) => registryAt(registry).read.accessOf([account]);
    const [traderRoles, traderScopes] = await access(trader);
    expect(traderRoles).toEqual([TRADER]);
    expect([...traderScopes].sort()).toEqual(["orders:read", "orders:write", "positions:read"]);
    expect([...traderScopes].sort()).toEqual([...(DEMO_ROLE_SCOPES[DemoRoles.trader] ?? [])].sort());
    expect(await access(viewer)).toEqual([[VIEWER], ["positions:read"]]);
    expect(await access(noRole)).toEqual([[], []]);
    expect(await registryAt(registry).read.roleName([TRADER])).toBe("TRADER");
  });

  it("wires governance: the timelock and the admin both administer the registry", async () => {
    const stack = await deployAccessStack({ publicClient, walletClient: walletFor(admin) });
    const { registry, token, timelock, governor } = stack;
    if (!token || !timelock || !governor) throw new Error("governance was not deployed");

    expect(await registryAt(registry).read.hasRole([zeroHash, admin])).toBe(true);
    expect(await registryAt(registry).read.hasRole([zeroHash, timelock])).toBe(true);

    const timelockContract = getContract({ address: timelock, abi: sigilTimelockAbi, client: publicClient });
    const [proposer, canceller, executor, timelockAdmin] = await Promise.all([
      timelockContract.read.PROPOSER_ROLE(),
      timelockContract.read.CANCELLER_ROLE(),
      timelockContract.read.EXECUTOR_ROLE(),
      timelockContract.read.DEFAULT_ADMIN_ROLE(),
    ]);
    expect(await timelockContract.read.hasRole([proposer, governor])).toBe(true);
    expect(await timelockContract.read.hasRole([canceller, governor])).toBe(true);
    expect(await timelockContract.read.hasRole([executor, zeroAddress])).toBe(true);
    expect(await timelockContract.read.hasRole([proposer, admin])).toBe(false);
    expect(await timelockContract.read.hasRole([timelockAdmin, admin])).toBe(false);
    expect(await timelockContract.read.hasRole([timelockAdmin, timelock])).toBe(true);
    expect(await timelockContract.read.getMinDelay()).toBe(BigInt(DEV_GOVERNANCE_SETTINGS.timelockDelay));

    const governorContract = getContract({ address: governor, abi: sigilGovernorAbi, client: publicClient });
    expect(await governorContract.read.token()).toBe(token);
    expect(await governorContract.read.timelock()).toBe(timelock);
    expect(await governorContract.read.votingDelay()).toBe(BigInt(DEV_GOVERNANCE_SETTINGS.votingDelay));
    expect(await governorContract.read.votingPeriod()).toBe(BigInt(DEV_GOVERNANCE_SETTINGS.votingPeriod));
    expect(await governorContract.read.quorumNumerator()).toBe(BigInt(DEV_GOVERNANCE_SETTINGS.quorumPercent));

    const tokenContract = getContract({ address: token, abi: sigilVotesTokenAbi, client: publicClient });
    expect(await tokenContract.read.balanceOf([admin])).toBe(VOTES_TOKEN_SUPPLY);
    expect(await tokenContract.read.delegates([admin])).toBe(admin);
    expect(await tokenContract.read.getVotes([admin])).toBe(VOTES_TOKEN_SUPPLY);
  });

  it("reports the block the registry was deployed in", async () => {
    const { registry, deployedAtBlock } = await deployAccessStack({
      publicClient,
      walletClient: walletFor(admin),
    });
    expect(await publicClient.getCode({ address: registry, blockNumber: deployedAtBlock })).toBeDefined();
    expect(
      await publicClient.getCode({ address: registry, blockNumber: deployedAtBlock - 1n }),
    ).toBeUndefined();
  });

  it("applies the governance settings it is given", async () => {
    const { governor, timelock } = await deployAccessStack({
      publicClient,
      walletClient: walletFor(admin),
      governance: { votingDelay: 3, votingPeriod: 7, quorumPercent: 10, timelockDelay: 5 },
    });
    const governorContract = getContract({ address: governor!, abi: sigilGovernorAbi, client: publicClient });
    expect(await governorContract.read.votingDelay()).toBe(3n);
    expect(await governorContract.read.votingPeriod()).toBe(7n);
    expect(await governorContract.read.quorumNumerator()).toBe(10n);
    const timelockContract = getContract({ address: timelock!, abi: sigilTimelockAbi, client: publicClient });
    expect(await timelockContract.read.getMinDelay()).toBe(5n);
  });

  it("deploys the registry alone when governance is false", async () => {
    const stack = await deployAccessStack({
      publicClient,
      walletClient: walletFor(admin),
      governance: false,
    });
    expect(Object.keys(stack).sort()).toEqual(["deployedAtBlock", "registry"]);
    expect(await registryAt(stack.registry).read.hasRole([zeroHash, admin])).toBe(true);
  });

  it("hands the registry to another admin, leaving the deployer without rights", async () => {
    const { registry, timelock } = await deployAccessStack({
      publicClient,
      walletClient: walletFor(admin),
      admin: viewer,
    });
    expect(await registryAt(registry).read.hasRole([zeroHash, viewer])).toBe(true);
    expect(await registryAt(registry).read.hasRole([zeroHash, timelock!])).toBe(true);
    expect(await registryAt(registry).read.hasRole([zeroHash, admin])).toBe(false);

    await expectRevert(
      seedDemoRoles({ publicClient, walletClient: walletFor(admin), registry, trader, viewer }),
      "AccessControlUnauthorizedAccount",
      { args: [admin, zeroHash] },
    );
    await seedDemoRoles({ publicClient, walletClient: walletFor(viewer), registry, trader, viewer });
    expect(await registryAt(registry).read.hasRole([TRADER, trader])).toBe(true);
  });

  it("refuses the zero address as admin before sending anything", async () => {
    const nonce = await publicClient.getTransactionCount({ address: admin });
    await expect(
      deployAccessStack({ publicClient, walletClient: walletFor(admin), admin: zeroAddress }),
    ).rejects.toMatchObject({ code: "config_invalid", details: { key: "admin" } });
    expect(await publicClient.getTransactionCount({ address: admin })).toBe(nonce);
  });

  it("seeds idempotently: a second run sends no transaction", async () => {
    const walletClient = walletFor(admin);
    const { registry } = await deployAccessStack({ publicClient, walletClient, governance: false });
    await seedDemoRoles({ publicClient, walletClient, registry, trader, viewer });
    const nonce = await publicClient.getTransactionCount({ address: admin });
    await seedDemoRoles({ publicClient, walletClient, registry, trader, viewer });
    expect(await publicClient.getTransactionCount({ address: admin })).toBe(nonce);
    expect(await registryAt(registry).read.definedRoles()).toEqual([TRADER, VIEWER]);
  });
});
