import { loadPolicyFile } from "@sigil/config";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ensureDevContracts } from "../../apps/cli/src/dev/ensure-dev-contracts.js";
import { writeDevPolicy } from "../../apps/cli/src/dev/write-dev-policy.js";
import { type LocalChain, startLocalChain } from "../fixtures/local-chain.js";

describe("dev mode's deployment record", () => {
  let chain: LocalChain;
  const dataDir = mkdtempSync(path.join(tmpdir(), "sigil-dev-contracts-"));
  const file = path.join(dataDir, "dev-chain.json");

  beforeAll(async () => {
    chain = await startLocalChain();
  });

  afterAll(async () => {
    await chain?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("deploys the policy demo with the registry, reuses both, and adds it to an older record", async () => {
    const params = { client: chain.publicClient, url: chain.url, dataDir };
    const first = await ensureDevContracts(params);
    expect(first.deployed).toBe(true);
    expect(first.deployment.policy.pass).toMatch(/^0x[0-9a-fA-F]{40}$/);

    // The generated policy is one the auth-api accepts, with the three kinds the tour relies on.
    const policy = loadPolicyFile({
      path: await writeDevPolicy({ dataDir, deployment: first.deployment }),
      chainIds: [31337],
    });
    expect(Object.values(policy.sources).map((source) => source.kind)).toEqual([
      "sigil-registry",
      "erc721",
      "eas",
    ]);

    const again = await ensureDevContracts(params);
    expect(again).toEqual({ deployment: first.deployment, deployed: false });

    // A record from before dev mode deployed the policy demo keeps its registry and gains the demo.
    const { policy: _dropped, ...older } = first.deployment;
    writeFileSync(file, JSON.stringify(older));
    const upgraded = await ensureDevContracts(params);
    expect(upgraded.deployed).toBe(true);
    expect(upgraded.deployment.registry).toBe(first.deployment.registry);
    expect(upgraded.deployment.policy.pass).not.toBe(first.deployment.policy.pass);
    expect(JSON.parse(readFileSync(file, "utf8"))).toEqual(upgraded.deployment);
  }, 60_000);
});
