import { writeFile } from "node:fs/promises";
import path from "node:path";
import type { DevDeploymentWithPolicy } from "./ensure-dev-contracts.js";

/**
 * The dev policy (SIGIL_POLICY format): the registry's roles confer `orders:read`; a DevPass
 * confers `positions:read`; `orders:write` needs both a registry role conferring it and a KYC
 * attestation by the dev admin. Several source kinds, each one fact a tour can take away.
 */
export function devPolicyDocument(deployment: DevDeploymentWithPolicy) {
  const { chainId, registry, policy } = deployment;
  return {
    version: 1,
    sources: {
      registry: { kind: "sigil-registry", chain: chainId, address: registry, reach: "sign-in-chain" },
      pass: { kind: "erc721", chain: chainId, address: policy.pass, min: 1 },
      kyc: {
        kind: "eas",
        chain: chainId,
        address: policy.eas,
        schema: policy.kycSchema,
        attesters: [policy.kycAttester],
        fromBlock: Number(policy.deployedAtBlock),
      },
    },
    rules: [
      { id: "registry-reads", scopesFrom: "registry", scopes: ["orders:read"] },
      { id: "pass-holders", scopes: ["positions:read"], when: ["pass"] },
      { id: "kyc-traders", scopesFrom: "registry", scopes: ["orders:write"], when: ["kyc"] },
    ],
  };
}

/** Writes {@link devPolicyDocument} to `<dataDir>/dev-policy.json` (rewritten every start) and returns its path. */
export async function writeDevPolicy(p: {
  dataDir: string;
  deployment: DevDeploymentWithPolicy;
}): Promise<string> {
  const file = path.join(p.dataDir, "dev-policy.json");
  await writeFile(file, `${JSON.stringify(devPolicyDocument(p.deployment), null, 2)}\n`);
  return file;
}
