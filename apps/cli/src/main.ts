#!/usr/bin/env node
import { reportInvalidConfig } from "@sigil/config";
import { ConfigInvalidError, isSigilError } from "@sigil/core";
import { parseArgs } from "node:util";
import { auditVerify } from "./commands/audit.js";
import { configCheck } from "./commands/config-check.js";
import { deploy, DEPLOY_USAGE } from "./commands/deploy.js";
import { BOT_COMMANDS, BOT_USAGE, runBotCommand } from "./commands/bot.js";
import { dev } from "./commands/dev.js";
import { DEV_FACT_COMMANDS, DEV_FACT_USAGE, devFact, type DevFactCommand } from "./commands/dev-facts.js";
import { kek, keys } from "./commands/keys.js";
import { migrate } from "./commands/migrate.js";
import { policyCheck, policyExplain } from "./commands/policy.js";
import { reconcile } from "./commands/reconcile.js";
import { changeRoleCommand, roles } from "./commands/roles.js";

const USAGE = `sigil — Sigil's command line

  sigil dev                      local chain + contracts + embedded Postgres + auth-api (npm start)
${DEV_FACT_USAGE}
  sigil roles <address> [--chain-id N] [--rpc URL] [--registry 0x…]
                                 roles and scopes of an address, read on-chain at a stated block
  sigil roles grant|revoke <ROLE> <address> [--rpc URL] [--registry 0x…]
                                 grant or revoke a role on the dev chain, sent by the dev admin account
  sigil migrate                  apply pending schema migrations (DATABASE_URL, else dev mode's PGlite) once,
                                 under a lock: the release step when instances run SIGIL_MIGRATE_ON_START=false
  sigil keys list                signing keys and their states (pending, active, retiring, retired)
  sigil keys rotate              create the next signing key now (published first, signs after the lead)
  sigil kek rewrap               re-wrap data keys still under a former KEK (SIGIL_KEK_PREVIOUS)
                                 (keys/kek use DATABASE_URL, or dev mode's PGlite: stop npm start first)
  sigil reconcile                compare the role index the chain follower built with direct registry
                                 reads, and live sessions' scopes with a direct read of every policy
                                 source (SIGIL_CHAINS, else the dev chain); exits 1 on any divergence
  sigil policy check [--json]    validate SIGIL_POLICY and check each source on its chain: code, interface,
                                 events; exits 0 only if all pass, 78 for a policy file that does not parse
  sigil policy explain <address> [--chain N] [--wallet eoa|contract] [--json]
                                 which rules grant the address which scopes, from which sources and blocks
  sigil config check [--json]    the service's validation of the environment without starting it (exit 78
                                 listing every problem), then live checks: database migrated, each RPC on
                                 its chain id, policy contracts, the KEK opens the stored keys, Redis
${DEPLOY_USAGE}
  sigil audit verify             recompute the audit log's hash chain (DATABASE_URL, else the dev
                                 PGlite under SIGIL_DATA_DIR); exits 1 naming the first broken row
${BOT_USAGE}`;

async function main(argv: string[]): Promise<void> {
  // Deploy parses its own options, and must see a key flag before any parser could echo it.
  if (argv[0] === "deploy") {
    process.exitCode = await deploy({ args: argv.slice(1) });
    return;
  }
  // Bot commands take options of their own (issue 5).
  if ((BOT_COMMANDS as readonly string[]).includes(argv[0] ?? "")) return runBotCommand(argv);
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "chain-id": { type: "string" },
      rpc: { type: "string" },
      registry: { type: "string" },
      chain: { type: "string" },
      wallet: { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    console.log(USAGE);
    return;
  }
  switch (command) {
    case "dev":
      if (rest[0] === undefined) return dev();
      if ((DEV_FACT_COMMANDS as readonly string[]).includes(rest[0])) {
        return devFact({ command: rest[0] as DevFactCommand, args: rest.slice(1), rpcUrl: values.rpc });
      }
      throw new Error(`unknown dev command "${rest[0]}"\n\n${USAGE}`);
    case "roles":
      if (rest[0] === "grant" || rest[0] === "revoke") {
        if (rest[1] === undefined || rest[2] === undefined) {
          throw new Error(`usage: sigil roles ${rest[0]} <ROLE> <address>`);
        }
        return changeRoleCommand({
          action: rest[0],
          role: rest[1],
          address: rest[2],
          rpcUrl: values.rpc,
          registry: values.registry,
        });
      }
      if (rest[0] === undefined) throw new Error("usage: sigil roles <address>");
      return roles({
        address: rest[0],
        chainId: values["chain-id"] === undefined ? undefined : Number(values["chain-id"]),
        rpcUrl: values.rpc,
        registry: values.registry,
      });
    case "reconcile":
      if (!(await reconcile())) process.exitCode = 1;
      return;
    case "config":
      if (rest[0] === "check") {
        process.exitCode = await configCheck({ json: values.json });
        return;
      }
      throw new Error("usage: sigil config check [--json]");
    case "policy":
      if (rest[0] === "check") {
        process.exitCode = await policyCheck({ json: values.json });
        return;
      }
      if (rest[0] === "explain" && rest[1] !== undefined) {
        process.exitCode = await policyExplain({
          address: rest[1],
          chainId: values.chain === undefined ? undefined : Number(values.chain),
          wallet: values.wallet,
          json: values.json,
        });
        return;
      }
      throw new Error("usage: sigil policy check | sigil policy explain <address>");
    case "audit":
      if (rest[0] !== "verify") throw new Error("usage: sigil audit verify");
      return auditVerify();
    case "migrate":
      await migrate();
      return;
    case "keys":
      return keys({ action: rest[0] });
    case "kek":
      return kek({ action: rest[0] });
    default:
      throw new Error(`unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigInvalidError) {
    process.exitCode = reportInvalidConfig(error, (line) => console.error(line));
    return;
  }
  const code = isSigilError(error) ? ` [${error.code}]` : "";
  console.error(`sigil: ${error instanceof Error ? error.message : String(error)}${code}`);
  process.exitCode = 1;
});
