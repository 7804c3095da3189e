import { SCOPE_PATTERN } from "@sigil/core";
import fc from "fast-check";
import {
  encodeDeployData,
  encodeFunctionData,
  getContract,
  keccak256,
  stringToBytes,
  toFunctionSelector,
  zeroAddress,
  zeroHash,
  type Address,
  type Hex,
  type TransactionReceipt,
} from "viem";
import {
  accessRegistryAbi,
  accessRegistryBytecode,
  iAccessRegistryAbi,
} from "../../libs/chain/src/abi/generated/index.js";
import {
  deploy,
  isolateEachTest,
  publicClient,
  testAccounts,
  walletFor,
  type TestWalletClient,
} from "./support/chain.js";
import { expectRevert } from "./support/reverts.js";
import { eventsOf, mined } from "./support/transactions.js";

const roleId = (name: string): Hex => keccak256(stringToBytes(name));
const scopeHash = (scope: string): Hex => keccak256(stringToBytes(scope));
const TRADER = roleId("TRADER");
const VIEWER = roleId("VIEWER");
const DEFAULT_ADMIN_ROLE = zeroHash;

type RegistryError = Extract<(typeof accessRegistryAbi)[number], { type: "error" }>["name"];
type RegistryEvent = Extract<(typeof accessRegistryAbi)[number], { type: "event" }>["name"];

describe("AccessRegistry", () => {
  let admin: Address;
  let alice: Address;
  let bob: Address;
  let carol: Address;
  let address: Address;
  const seenErrors = new Set<string>();
  const seenEvents = new Set<string>();

  const registryAs = (wallet: TestWalletClient) =>
    getContract({ address, abi: accessRegistryAbi, client: { public: publicClient, wallet } });
  const asAdmin = () => registryAs(walletFor(admin));
  const asAlice = () => registryAs(walletFor(alice));

  async function expectRegistryRevert(action: Promise<unknown>, errorName: RegistryError, args: unknown[]) {
    await expectRevert(action, errorName, { args });
    seenErrors.add(errorName);
  }

  function registryEvents<const TName extends RegistryEvent>(receipt: TransactionReceipt, eventName: TName) {
    seenEvents.add(eventName);
    return eventsOf(receipt, { abi: accessRegistryAbi, emitter: address, eventName });
  }

  /** TRADER (orders:read orders:write positions:read) and VIEWER (positions:read), as the demo seed. */
  async function defineDemoRoles() {
    const registry = asAdmin();
    await mined(registry.write.defineRole(["TRADER"]));
    await mined(registry.write.defineRole(["VIEWER"]));
    for (const scope of ["orders:read", "orders:write", "positions:read"]) {
      await mined(registry.write.addScope([TRADER, scope]));
    }
    await mined(registry.write.addScope([VIEWER, "positions:read"]));
  }

  beforeAll(async () => {
    [admin, alice, bob, carol] = (await testAccounts()) as [Address, Address, Address, Address];
    address = await deploy({
      abi: accessRegistryAbi,
      bytecode: accessRegistryBytecode,
      args: [admin],
      from: walletFor(admin),
    });
  });

  isolateEachTest();

  describe("constructor", () => {
    it("grants DEFAULT_ADMIN_ROLE to the given admin only", async () => {
      const registry = asAdmin();
      expect(await registry.read.DEFAULT_ADMIN_ROLE()).toBe(DEFAULT_ADMIN_ROLE);
      expect(await registry.read.hasRole([DEFAULT_ADMIN_ROLE, admin])).toBe(true);
      expect(await registry.read.hasRole([DEFAULT_ADMIN_ROLE, alice])).toBe(false);
    });

    it("emits RoleGranted for the admin, sent by the deployer", async () => {
      const hash = await walletFor(bob).deployContract({
        abi: accessRegistryAbi,
        bytecode: accessRegistryBytecode,
        args: [alice],
      });
      const receipt = await mined(hash);
      const [granted] = eventsOf(receipt, {
        abi: accessRegistryAbi,
        emitter: receipt.contractAddress!,
        eventName: "RoleGranted",
      });
      expect(granted?.args).toEqual({ role: DEFAULT_ADMIN_ROLE, account: alice, sender: bob });
    });

    it("refuses the zero address as admin", async () => {
      const data = encodeDeployData({
        abi: accessRegistryAbi,
        bytecode: accessRegistryBytecode,
        args: [zeroAddress],
      });
      await expectRevert(publicClient.call({ account: admin, data }), "AccessRegistryInvalidAdmin", {
        abi: accessRegistryAbi,
        args: [zeroAddress],
      });
      seenErrors.add("AccessRegistryInvalidAdmin");
    });
  });

  describe("defineRole", () => {
    it("defines a role whose id is keccak256 of its name and emits RoleDefined", async () => {
      const registry = asAdmin();
      const { result } = await registry.simulate.defineRole(["TRADER"], { account: admin });
      expect(result).toBe(TRADER);

      const receipt = await mined(registry.write.defineRole(["TRADER"]));
      expect(registryEvents(receipt, "RoleDefined").map((log) => log.args)).toEqual([
        { role: TRADER, name: "TRADER" },
      ]);
      expect(await registry.read.roleName([TRADER])).toBe("TRADER");
      expect(await registry.read.definedRoles()).toEqual([TRADER]);
    });

    it("lists defined roles in definition order", async () => {
      const registry = asAdmin();
      for (const name of ["VIEWER", "TRADER", "RISK_DESK_2"]) await mined(registry.write.defineRole([name]));
      expect(await registry.read.definedRoles()).toEqual([VIEWER, TRADER, roleId("RISK_DESK_2")]);
    });

    it("is reserved to DEFAULT_ADMIN_ROLE", async () => {
      await expectRegistryRevert(asAlice().write.defineRole(["TRADER"]), "AccessControlUnauthorizedAccount", [
        alice,
        DEFAULT_ADMIN_ROLE,
      ]);
    });

    it("refuses to define a role twice", async () => {
      await mined(asAdmin().write.defineRole(["TRADER"]));
      await expectRegistryRevert(asAdmin().write.defineRole(["TRADER"]), "AccessRegistryRoleAlreadyDefined", [
        TRADER,
        "TRADER",
      ]);
    });

    it.each(["", "trader", "Trader", "1TRADER", "_TRADER", "TRA-DER", "TRA DER", "TRÄDER", "A".repeat(33)])(
      "refuses the role name %j",
      async (name) => {
        await expectRegistryRevert(asAdmin().write.defineRole([name]), "AccessRegistryInvalidRoleName", [
          name,
        ]);
      },
    );

    it.each(["A", "A".repeat(32), "Z9_", "SIGIL_ADMIN"])("accepts the role name %j", async (name) => {
      await mined(asAdmin().write.defineRole([name]));
      expect(await asAdmin().read.roleName([roleId(name)])).toBe(name);
    });
  });

  describe("roleName, definedRoles and getRoleAdmin of unknown roles", () => {
    it("returns an empty name for an undefined role and for DEFAULT_ADMIN_ROLE", async () => {
      expect(await asAdmin().read.roleName([TRADER])).toBe("");
      expect(await asAdmin().read.roleName([DEFAULT_ADMIN_ROLE])).toBe("");
      expect(await asAdmin().read.definedRoles()).toEqual([]);
    });

    it("gives every defined role DEFAULT_ADMIN_ROLE as its admin", async () => {
      await mined(asAdmin().write.defineRole(["TRADER"]));
      expect(await asAdmin().read.getRoleAdmin([TRADER])).toBe(DEFAULT_ADMIN_ROLE);
    });
  });

  describe("grantRole, revokeRole and renounceRole", () => {
    it("grants a defined role and emits RoleGranted", async () => {
      await mined(asAdmin().write.defineRole(["TRADER"]));
      const receipt = await mined(asAdmin().write.grantRole([TRADER, alice]));
      expect(registryEvents(receipt, "RoleGranted").map((log) => log.args)).toEqual([
        { role: TRADER, account: alice, sender: admin },
      ]);
      expect(await asAdmin().read.hasRole([TRADER, alice])).toBe(true);
      expect(await asAdmin().read.hasRole([TRADER, bob])).toBe(false);
    });

    it("refuses to grant a role that is not defined", async () => {
      await expectRegistryRevert(asAdmin().write.grantRole([TRADER, alice]), "AccessRegistryUndefinedRole", [
        TRADER,
      ]);
    });

    it("grants DEFAULT_ADMIN_ROLE without a definition", async () => {
      await mined(asAdmin().write.grantRole([DEFAULT_ADMIN_ROLE, alice]));
      expect(await asAdmin().read.hasRole([DEFAULT_ADMIN_ROLE, alice])).toBe(true);
      await mined(asAlice().write.defineRole(["TRADER"]));
    });

    it("lets only the role's admin grant and revoke", async () => {
      await mined(asAdmin().write.defineRole(["TRADER"]));
      await mined(asAdmin().write.grantRole([TRADER, alice]));
      await expectRegistryRevert(
        asAlice().write.grantRole([TRADER, bob]),
        "AccessControlUnauthorizedAccount",
        [alice, DEFAULT_ADMIN_ROLE],
      );
      await expectRegistryRevert(
        asAlice().write.revokeRole([TRADER, alice]),
        "AccessControlUnauthorizedAccount",
        [alice, DEFAULT_ADMIN_ROLE],
      );
    });

    it("revokes a role and emits RoleRevoked", async () => {
      await mined(asAdmin().write.defineRole(["TRADER"]));
      await mined(asAdmin().write.grantRole([TRADER, alice]));
      const receipt = await mined(asAdmin().write.revokeRole([TRADER, alice]));
      expect(registryEvents(receipt, "RoleRevoked").map((log) => log.args)).toEqual([
        { role: TRADER, account: alice, sender: admin },
      ]);
      expect(await asAdmin().read.hasRole([TRADER, alice])).toBe(false);
    });

    it("lets a holder renounce its own role, and only its own", async () => {
      await mined(asAdmin().write.defineRole(["TRADER"]));
      await mined(asAdmin().write.grantRole([TRADER, alice]));
      await expectRegistryRevert(
        asAlice().write.renounceRole([TRADER, bob]),
        "AccessControlBadConfirmation",
        [],
      );

      const receipt = await mined(asAlice().write.renounceRole([TRADER, alice]));
      expect(registryEvents(receipt, "RoleRevoked").map((log) => log.args)).toEqual([
        { role: TRADER, account: alice, sender: alice },
      ]);
      expect(await asAdmin().read.hasRole([TRADER, alice])).toBe(false);
    });

    it("stops an admin who renounced DEFAULT_ADMIN_ROLE from defining roles", async () => {
      await mined(asAdmin().write.renounceRole([DEFAULT_ADMIN_ROLE, admin]));
      await expectRegistryRevert(asAdmin().write.defineRole(["TRADER"]), "AccessControlUnauthorizedAccount", [
        admin,
        DEFAULT_ADMIN_ROLE,
      ]);
    });
  });

  describe("addScope", () => {
    beforeEach(async () => {
      await mined(asAdmin().write.defineRole(["TRADER"]));
    });

    it("adds a scope to a role and emits ScopeAdded with the sender", async () => {
      const receipt = await mined(asAdmin().write.addScope([TRADER, "orders:write"]));
      expect(registryEvents(receipt, "ScopeAdded").map((log) => log.args)).toEqual([
        { role: TRADER, scopeHash: scopeHash("orders:write"), scope: "orders:write", sender: admin },
      ]);
      expect(await asAdmin().read.hasScope([TRADER, "orders:write"])).toBe(true);
      expect(await asAdmin().read.scopesOf([TRADER])).toEqual(["orders:write"]);
    });

    it("is reserved to the role's admin", async () => {
      await expectRegistryRevert(
        asAlice().write.addScope([TRADER, "orders:write"]),
        "AccessControlUnauthorizedAccount",
        [alice, DEFAULT_ADMIN_ROLE],
      );
      expect(await asAdmin().read.hasScope([TRADER, "orders:write"])).toBe(false);
    });

    it("refuses an undefined role", async () => {
      await expectRegistryRevert(
        asAdmin().write.addScope([VIEWER, "positions:read"]),
        "AccessRegistryUndefinedRole",
        [VIEWER],
      );
    });

    it("refuses a scope the role already confers", async () => {
      await mined(asAdmin().write.addScope([TRADER, "orders:write"]));
      await expectRegistryRevert(
        asAdmin().write.addScope([TRADER, "orders:write"]),
        "AccessRegistryScopeAlreadyPresent",
        [TRADER, "orders:write"],
      );
    });

    it.each([
      "orders",
      "Orders:read",
      "orders:Read",
      ":read",
      "orders:",
      "orders:read:all",
      "orders :read",
      "é:read",
    ])("refuses the malformed scope %j", async (scope) => {
      await expectRegistryRevert(asAdmin().write.addScope([TRADER, scope]), "AccessRegistryInvalidScope", [
        scope,
      ]);
    });

    it("lets two roles confer the same scope independently", async () => {
      await mined(asAdmin().write.defineRole(["VIEWER"]));
      await mined(asAdmin().write.addScope([TRADER, "positions:read"]));
      await mined(asAdmin().write.addScope([VIEWER, "positions:read"]));
      await mined(asAdmin().write.removeScope([TRADER, "positions:read"]));
      expect(await asAdmin().read.scopesOf([TRADER])).toEqual([]);
      expect(await asAdmin().read.scopesOf([VIEWER])).toEqual(["positions:read"]);
    });
  });

  describe("removeScope", () => {
    beforeEach(defineDemoRoles);

    it("removes a scope and emits ScopeRemoved with the sender", async () => {
      const receipt = await mined(asAdmin().write.removeScope([TRADER, "orders:write"]));
      expect(registryEvents(receipt, "ScopeRemoved").map((log) => log.args)).toEqual([
        { role: TRADER, scopeHash: scopeHash("orders:write"), scope: "orders:write", sender: admin },
      ]);
      expect(await asAdmin().read.hasScope([TRADER, "orders:write"])).toBe(false);
      expect([...(await asAdmin().read.scopesOf([TRADER]))].sort()).toEqual([
        "orders:read",
        "positions:read",
      ]);
    });

    it("is reserved to the role's admin", async () => {
      await expectRegistryRevert(
        asAlice().write.removeScope([TRADER, "orders:write"]),
        "AccessControlUnauthorizedAccount",
        [alice, DEFAULT_ADMIN_ROLE],
      );
      expect(await asAdmin().read.hasScope([TRADER, "orders:write"])).toBe(true);
    });

    it("refuses an undefined role", async () => {
      const ghost = roleId("GHOST");
      await expectRegistryRevert(
        asAdmin().write.removeScope([ghost, "orders:write"]),
        "AccessRegistryUndefinedRole",
        [ghost],
      );
    });

    it("refuses a scope the role does not confer", async () => {
      await expectRegistryRevert(
        asAdmin().write.removeScope([VIEWER, "orders:write"]),
        "AccessRegistryScopeNotPresent",
        [VIEWER, "orders:write"],
      );
    });

    it("allows adding a removed scope again", async () => {
      await mined(asAdmin().write.removeScope([TRADER, "orders:write"]));
      await mined(asAdmin().write.addScope([TRADER, "orders:write"]));
      expect(await asAdmin().read.hasScope([TRADER, "orders:write"])).toBe(true);
    });
  });

  describe("scopesOf and hasScope", () => {
    beforeEach(defineDemoRoles);

    it("returns the scopes of each role", async () => {
      expect(await asAdmin().read.scopesOf([TRADER])).toEqual([
        "orders:read",
        "orders:write",
        "positions:read",
      ]);
      expect(await asAdmin().read.scopesOf([VIEWER])).toEqual(["positions:read"]);
    });

    it("knows nothing of undefined roles or absent scopes", async () => {
      expect(await asAdmin().read.scopesOf([roleId("GHOST")])).toEqual([]);
      expect(await asAdmin().read.hasScope([roleId("GHOST"), "orders:read"])).toBe(false);
      expect(await asAdmin().read.hasScope([VIEWER, "orders:read"])).toBe(false);
      expect(await asAdmin().read.hasScope([TRADER, "orders:read"])).toBe(true);
    });
  });

  describe("accessOf", () => {
    beforeEach(defineDemoRoles);

    it("returns the held roles and each of their scopes once", async () => {
      await mined(asAdmin().write.grantRole([TRADER, alice]));
      await mined(asAdmin().write.grantRole([VIEWER, alice]));
      const [roles, scopes] = await asAdmin().read.accessOf([alice]);
      expect(roles).toEqual([TRADER, VIEWER]);
      expect([...scopes].sort()).toEqual(["orders:read", "orders:write", "positions:read"]);
    });

    it("returns only the roles an account holds", async () => {
      await mined(asAdmin().write.grantRole([TRADER, alice]));
      await mined(asAdmin().write.grantRole([VIEWER, bob]));
      expect(await asAdmin().read.accessOf([bob])).toEqual([[VIEWER], ["positions:read"]]);
      expect(await asAdmin().read.accessOf([carol])).toEqual([[], []]);
    });

    it("does not list DEFAULT_ADMIN_ROLE", async () => {
      expect(await asAdmin().read.accessOf([admin])).toEqual([[], []]);
    });

    it("lists a held role that confers no scope", async () => {
      await mined(asAdmin().write.defineRole(["OBSERVER"]));
      await mined(asAdmin().write.grantRole([roleId("OBSERVER"), carol]));
      expect(await asAdmin().read.accessOf([carol])).toEqual([[roleId("OBSERVER")], []]);
    });

    it("follows revocations and scope changes", async () => {
      await mined(asAdmin().write.grantRole([TRADER, alice]));
      await mined(asAdmin().write.grantRole([VIEWER, alice]));
      await mined(asAdmin().write.removeScope([TRADER, "orders:write"]));
      await mined(asAdmin().write.revokeRole([VIEWER, alice]));
      const [roles, scopes] = await asAdmin().read.accessOf([alice]);
      expect(roles).toEqual([TRADER]);
      expect([...scopes].sort()).toEqual(["orders:read", "positions:read"]);
    });

    it("stays cheap for an account holding many roles with overlapping scopes", async () => {
      const names = Array.from({ length: 8 }, (_, i) => `DESK_${i}`);
      for (const name of names) {
        await mined(asAdmin().write.defineRole([name]));
        for (let s = 0; s < 8; s++) await mined(asAdmin().write.addScope([roleId(name), `desk${s}:read`]));
        await mined(asAdmin().write.grantRole([roleId(name), carol]));
      }
      const [roles, scopes] = await asAdmin().read.accessOf([carol]);
      expect(roles).toHaveLength(8);
      expect(scopes).toHaveLength(8);
      const gas = await publicClient.estimateGas({
        to: address,
        data: encodeFunctionData({ abi: accessRegistryAbi, functionName: "accessOf", args: [carol] }),
      });
      expect(gas).toBeLessThan(600_000n);
    });
  });

  describe("isValidScope", () => {
    it.each([
      ["a:b", true],
      ["orders:read", true],
      ["sigil:admin", true],
      ["a-b.c_d9:x.y-z_0", true],
      [`${"a".repeat(31)}:${"b".repeat(32)}`, true],
      [`${"a".repeat(32)}:b`, false],
      [`a:${"b".repeat(33)}`, false],
      ["", false],
      [":", false],
      ["a:", false],
      [":a", false],
      ["0a:b", false],
      ["a:0b", false],
      ["a:-b", false],
      ["a:b:c", false],
      ["a:b\n", false],
      ["A:b", false],
      ["a b:c", false],
    ])("judges %j as %p", async (scope, valid) => {
      expect(await asAdmin().read.isValidScope([scope])).toBe(valid);
      expect(SCOPE_PATTERN.test(scope)).toBe(valid);
    });

    it("agrees with SCOPE_PATTERN of @sigil/core on generated strings", async () => {
      const chars = [..."az09_.-:AZ `{/@é\n\u0000"];
      const anyString = fc.string({ unit: fc.constantFrom(...chars), maxLength: 70 });
      const segment = (max: number) =>
        fc.string({ unit: fc.constantFrom(...chars), minLength: 1, maxLength: max });
      const nearlyValid = fc
        .tuple(segment(33), segment(34))
        .map(([resource, action]) => `${resource}:${action}`);
      const valid = fc.stringMatching(SCOPE_PATTERN);
      await fc.assert(
        fc.asyncProperty(fc.oneof(anyString, nearlyValid, valid), async (scope) => {
          expect(await asAdmin().read.isValidScope([scope])).toBe(SCOPE_PATTERN.test(scope));
        }),
        { numRuns: 400 },
      );
    });
  });

  describe("supportsInterface", () => {
    it("supports IAccessRegistry, IAccessControl and ERC-165, and nothing else", async () => {
      const accessControlFunctions = ["hasRole", "getRoleAdmin", "grantRole", "revokeRole", "renounceRole"];
      const selectors = (predicate: (name: string) => boolean) =>
        iAccessRegistryAbi
          .filter((item) => item.type === "function" && predicate(item.name))
          .map((item) => BigInt(toFunctionSelector(item as Parameters<typeof toFunctionSelector>[0])));
      const interfaceId = (ids: bigint[]) =>
        `0x${ids
          .reduce((id, selector) => id ^ selector, 0n)
          .toString(16)
          .padStart(8, "0")}` as Hex;

      const registryId = interfaceId(selectors((name) => !accessControlFunctions.includes(name)));
      const accessControlId = interfaceId(selectors((name) => accessControlFunctions.includes(name)));
      const registry = asAdmin();
      expect(accessControlId).toBe("0x7965db0b");
      expect(await registry.read.supportsInterface([registryId])).toBe(true);
      expect(await registry.read.supportsInterface([accessControlId])).toBe(true);
      expect(await registry.read.supportsInterface(["0x01ffc9a7"])).toBe(true);
      expect(await registry.read.supportsInterface(["0xffffffff"])).toBe(false);
      expect(await registry.read.supportsInterface(["0x1626ba7e"])).toBe(false);
    });
  });

  it("exercised every custom error and every event the registry can emit", () => {
    const abiNames = (type: "error" | "event") =>
      accessRegistryAbi
        .filter((item) => item.type === type)
        .map((item) => ("name" in item ? item.name : ""))
        .sort();
    expect([...seenErrors].sort()).toEqual(abiNames("error"));
    // RoleAdminChanged is declared by IAccessControl but the registry exposes no way to change an admin.
    expect([...seenEvents, "RoleAdminChanged"].sort()).toEqual(abiNames("event"));
  });
});
