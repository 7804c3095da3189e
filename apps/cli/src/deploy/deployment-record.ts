import { ConfigInvalidError } from "@sigil/core";
import { readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { isAddress, isHex } from "viem";
import { z } from "zod";

const address = z.string().refine((value) => isAddress(value, { strict: false }), "a 20-byte hex address");
const hash = z.string().refine((value) => isHex(value) && value.length === 66, "a 32-byte hex hash");

const governanceSchema = z.object({
  votingDelay: z.number().int(),
  votingPeriod: z.number().int(),
  quorumPercent: z.number().int(),
  timelockDelay: z.number().int(),
});

const contractNames = ["registry", "token", "timelock", "governor"] as const;
/** A contract a deployment record can name. */
export type ContractName = (typeof contractNames)[number];

const recordSchema = z.object({
  chainId: z.number().int().positive(),
  name: z.string().min(1),
  genesisHash: hash,
  deployer: address,
  admin: address,
  contracts: z.object({
    registry: address,
    token: address.optional(),
    timelock: address.optional(),
    governor: address.optional(),
  }),
  codeHashes: z.partialRecord(z.enum(contractNames), hash),
  governance: z.union([z.literal(false), governanceSchema]),
  deployedAtBlock: z.string().regex(/^\d+$/),
  confirmations: z.number().int().min(0),
  deployedAt: z.string(),
});

/** What `sigil deploy` wrote: where each contract is, the code it had, and who administers it. */
export type DeploymentRecord = z.infer<typeof recordSchema>;

/** `./sigil-deployment-<chainId>.json` under `cwd`, unless `file` names another path. */
export function recordPath({ cwd, file, chainId }: { cwd: string; file?: string; chainId: number }) {
  return path.resolve(cwd, file ?? `sigil-deployment-${chainId}.json`);
}

/** Writes `record` to `file` through a temporary file and a rename, so no reader sees half of it. */
export async function writeRecord(file: string, record: DeploymentRecord): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o644 });
    await rename(temporary, file);
  } finally {
    await rm(temporary, { force: true });
  }
}

/** Reads and validates a deployment record; `deployment_record_invalid` names what is wrong. */
export async function readRecord(file: string): Promise<DeploymentRecord> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? "unreadable";
    throw new ConfigInvalidError(`deployment record ${file} cannot be read (${reason})`, {
      details: { key: "deployment_record_missing" },
    });
  }
  const invalid = (problem: string) =>
    new ConfigInvalidError(`deployment record ${file}: ${problem}`, {
      details: { key: "deployment_record_invalid" },
    });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw invalid("not JSON");
  }
  const parsed = recordSchema.safeParse(json);
  if (!parsed.success)
    throw invalid(
      parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`).join("; "),
    );
  return parsed.data;
}
