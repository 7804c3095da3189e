// Type-checks the adapters against the kits' own declarations. RainbowKit's use extensionless
// relative imports, which only bundler resolution follows (NodeNext, the repo's, reads them as any).
import path from "node:path";
import ts from "typescript";

const root = path.resolve(import.meta.dirname, "..", "..", "..");
/** A virtual file inside the repository, so module resolution starts from its node_modules. */
const PROBE = path.join(root, "test", "client", "support", "kit-types.probe.ts");

const PROBE_SOURCE = `
import { createAuthenticationAdapter } from "@rainbow-me/rainbowkit";
import { createSIWEConfig, type SIWEConfig } from "@reown/appkit-siwe";
import { createSigilClient } from "@sigil/client";
import { sigilAuthenticationAdapter } from "@sigil/client/rainbowkit";
import { sigilSiweConfig } from "@sigil/client/reown";

type RainbowKitAdapter = Parameters<typeof createAuthenticationAdapter<string>>[0];
const client = createSigilClient({ baseUrl: "https://auth.venue.example" });
const site = { domain: "venue.example", uri: "https://venue.example" };

export const rainbowKit: RainbowKitAdapter = createAuthenticationAdapter(sigilAuthenticationAdapter(client, site));
export const reown = createSIWEConfig({ ...sigilSiweConfig(client, site), signOutOnNetworkChange: false });

// The kits' types are real here, not any: these must fail.
// @ts-expect-error a number is no RainbowKit adapter
export const notAdapter: RainbowKitAdapter = 5;
// @ts-expect-error a number is no SIWE config
export const notConfig: SIWEConfig = 5;
`;

/** The diagnostics of the probe above, compiled with the repo's options but bundler resolution. */
export function kitTypeErrors(): string[] {
  const configFile = ts.readConfigFile(path.join(root, "tsconfig.json"), (file) => ts.sys.readFile(file));
  const { options } = ts.parseJsonConfigFileContent(configFile.config, ts.sys, root);
  const compilerOptions: ts.CompilerOptions = {
    ...options,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    noEmit: true,
    types: [],
  };
  const host = ts.createCompilerHost(compilerOptions);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language, ...rest) =>
    path.resolve(file) === PROBE
      ? ts.createSourceFile(file, PROBE_SOURCE, language)
      : getSourceFile(file, language, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => path.resolve(file) === PROBE || fileExists(file);
  const program = ts.createProgram([PROBE], compilerOptions, host);
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ""}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
}
