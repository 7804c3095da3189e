import { ChainClients, readAccess } from "@sigil/chain";
import {
  deployAccessStack,
  devAccount,
  DevAccountIndex,
  seedDemoRoles,
  type AccessStack,
} from "@sigil/chain/dev";
import type { Address } from "viem";
import { changeRoleCommand } from "../../apps/cli/src/commands/roles.js";
import { type LocalChain, startLocalChain } from "../fixtures/local-chain.js";

/** `sigil roles grant|revoke`, the tour's way to change a role on the dev chain. */
describe("sigil roles grant|revoke", () => {
  let chain: LocalChain;
  let stack: AccessStack;
  const trader = devAccount(DevAccountIndex.trader).address;
  const noRole = devAccount(DevAccountIndex.noRole).address;
  const rolesOf = async (address: Address) => {
    const clients = new ChainClients([
      { chainId: 31337, name: "dev", rpcUrls: [chain.url], registry: stack.registry, timeoutMs: 5_000 },
    ]);
    return (await readAccess({ chain: clients.get(31337), address })).roles.map((role) => role.name);
  };
  const run = (action: "grant" | "revoke", role: string, address: string) =>
    changeRoleCommand({ action, role, address, rpcUrl: chain.url, registry: stack.registry });

  beforeAll(async () => {
    chain = await startLocalChain();
    const walletClient = chain.wallet(DevAccountIndex.admin);
    stack = await deployAccessStack({ publicClient: chain.publicClient, walletClient, governance: false });
    await seedDemoRoles({
      publicClient: chain.publicClient,
      walletClient,
      registry: stack.registry,
      trader,
      viewer: devAccount(DevAccountIndex.viewer).address,
    });
  });

  afterAll(async () => {
    await chain?.stop();
  });

  it("revokes and grants a role on-chain, signed by the dev admin", async () => {
    expect(await rolesOf(trader)).toEqual(["TRADER"]);
    await run("revoke", "TRADER", trader);
    expect(await rolesOf(trader)).toEqual([]);
    await run("grant", "VIEWER", noRole);
    expect(await rolesOf(noRole)).toEqual(["VIEWER"]);
  });

  it("refuses a role the registry does not define, and a malformed address", async () => {
    await expect(run("grant", "NOPE", noRole)).rejects.toThrow("role NOPE is not defined");
    await expect(run("grant", "VIEWER", "0x123")).rejects.toThrow("not an address: 0x123");
  });
});
