// Hardhat 2 compiles offline with the solc that npm installed (pinned exactly in package.json),
// never a downloaded compiler. Loaded as CommonJS through ts-node (see tsconfig.json "ts-node").
import { subtask, type HardhatUserConfig } from "hardhat/config";
import { TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD } from "hardhat/builtin-tasks/task-names";

/** The one compiler version; every contract pragma and the npm `solc` package must equal it. */
export const SOLC_VERSION = "0.8.28";

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, async (args: { solcVersion: string }) => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const solc = require("solc") as { version(): string };
  const installed = solc.version();
  if (args.solcVersion !== SOLC_VERSION || !installed.startsWith(`${SOLC_VERSION}+`)) {
    throw new Error(
      `solc mismatch: contracts ask for ${args.solcVersion}, hardhat.config.ts pins ${SOLC_VERSION}, ` +
        `npm solc is ${installed}. Install solc@${SOLC_VERSION} with --save-exact.`,
    );
  }
  return {
    compilerPath: require.resolve("solc/soljson.js"),
    isSolcJs: true,
    version: SOLC_VERSION,
    longVersion: installed.replace(/\.Emscripten\.clang$/, ""),
  };
});

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: "cancun",
      // No metadata hash: bytecode depends only on the sources, so artifacts are reproducible.
      metadata: { bytecodeHash: "none" },
    },
  },
  paths: { sources: "./contracts", tests: "./test/contracts", cache: "./cache", artifacts: "./artifacts" },
  networks: {
    // A second local chain for benchmarks (`hardhat node` with SIGIL_HARDHAT_CHAIN_ID=31338).
    hardhat: { chainId: Number(process.env.SIGIL_HARDHAT_CHAIN_ID ?? 31337) },
    localhost: { url: "http://127.0.0.1:8545", chainId: 31337 },
  },
};

export default config;
