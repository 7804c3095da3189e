// Two real chains in one process: the worker's Hardhat network (31337) and a second, independent
// Hardhat network (31338), each served over HTTP. Same dev accounts, separate state.
import { smartWalletAbi, smartWalletFactoryAbi, smartWalletFactoryBytecode } from "@sigil/chain/dev";
import { devAccount } from "@sigil/chain/dev";
import { ChainIdMismatchError, isSigilError } from "@sigil/core";
import {
  SiweChainNotAllowedError,
  verifySiweSignature,
  type VerifySiweSignatureParameters,
} from "@sigil/siwe";
import { hashMessage, padHex, type Address } from "viem";
import { startLocalChain, type LocalChain } from "../fixtures/local-chain.js";
import { startRecordingProxy } from "./support/rpc-proxy.js";
import { startSecondChain, type SecondChain } from "../fixtures/second-chain.js";
import {
  chainClient,
  deployContract,
  deployWallet,
  predictWallet,
  signAs,
  siweMessage,
  wrap6492,
} from "./support/wallets.js";

const CHAIN_A = 31337;
const CHAIN_B = 31338;
const OWNER = 1;
const STRANGER = 3;
const MAGIC_WORD = padHex("0x1626ba7e", { dir: "right", size: 32 });

/** `walletKind`, or the stable code of the (Sigil) error. */
async function outcome(parameters: VerifySiweSignatureParameters): Promise<string> {
  try {
    return (await verifySiweSignature(parameters)).walletKind;
  } catch (error) {
    if (!isSigilError(error)) throw error;
    return error.code;
  }
}

describe("verifySiweSignature across two chains", () => {
  let chainA: LocalChain;
  let chainB: SecondChain;
  let factory: Address;

  beforeAll(async () => {
    [chainA, chainB] = await Promise.all([startLocalChain(), startSecondChain(CHAIN_B)]);
    // Same deployer, same nonce: the factory, and so every wallet it predicts, has one address on both.
    const [onA, onB] = await Promise.all(
      [chainA, chainB].map((chain) =>
        deployContract(chain, smartWalletFactoryAbi, smartWalletFactoryBytecode),
      ),
    );
    expect(onB).toBe(onA);
    factory = onA!;
  });

  afterAll(async () => {
    await Promise.all([chainA?.stop(), chainB?.stop()]);
  });

  it("the two chains are distinct: their own chain ids and state", async () => {
    expect(await chainA.publicClient.getChainId()).toBe(CHAIN_A);
    expect(await chainB.publicClient.getChainId()).toBe(CHAIN_B);
    const wallet = await deployWallet(chainA, factory, OWNER, "distinct");
    expect(await chainA.publicClient.getCode({ address: wallet })).toBeDefined();
    expect(await chainB.publicClient.getCode({ address: wallet })).toBeUndefined();
  });

  it("D9: a 1271 signature valid on chain A does not verify on chain B, where the wallet does not exist", async () => {
    const wallet = await deployWallet(chainA, factory, OWNER, "only-on-a");
    const messageB = siweMessage(wallet, CHAIN_B);
    const signature = await signAs(OWNER, messageB);
    // The very bytes are a valid EIP-1271 signature of that message on chain A...
    const onA = await chainA.publicClient.readContract({
      address: wallet,
      abi: smartWalletAbi,
      functionName: "isValidSignature",
      args: [hashMessage(messageB), signature],
    });
    expect(padHex(onA, { dir: "right", size: 32 })).toBe(MAGIC_WORD);
    // ...but the message names chain B, so it is checked there, and there it is nobody's.
    const clientB = chainClient(chainB.url, CHAIN_B);
    expect(await outcome({ address: wallet, message: messageB, signature, chain: clientB })).toBe(
      "signature_mismatch",
    );
    const messageA = siweMessage(wallet, CHAIN_A);
    const signatureA = await signAs(OWNER, messageA);
    expect(
      await outcome({
        address: wallet,
        message: messageA,
        signature: signatureA,
        chain: chainClient(chainA.url),
      }),
    ).toBe("eip1271");
  });

  it("D9: a chain-A message is never checked with chain B's client (refused before any RPC)", async () => {
    const proxy = await startRecordingProxy(chainB.url);
    try {
      const wallet = await deployWallet(chainA, factory, OWNER, "message-for-a");
      const message = siweMessage(wallet, CHAIN_A);
      const error = await verifySiweSignature({
        address: wallet,
        message,
        signature: await signAs(OWNER, message),
        chain: chainClient(proxy.url, CHAIN_B),
      }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SiweChainNotAllowedError);
      expect((error as SiweChainNotAllowedError).details).toEqual({
        chainId: CHAIN_A,
        verifierChainId: CHAIN_B,
      });
      expect(proxy.calls).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it("D9: the same wallet address with another owner on chain B: each chain's owner signs only for its chain", async () => {
    const walletA = await deployWallet(chainA, factory, OWNER, "two-owners");
    const walletB = await deployWallet(chainB, factory, OWNER, "two-owners");
    expect(walletB).toBe(walletA);
    const hash = await chainB.wallet(OWNER).writeContract({
      address: walletB,
      abi: smartWalletAbi,
      functionName: "setOwner",
      args: [devAccount(STRANGER).address],
    });
    await chainB.publicClient.waitForTransactionReceipt({ hash });

    const clientA = chainClient(chainA.url, CHAIN_A);
    const clientB = chainClient(chainB.url, CHAIN_B);
    const messageA = siweMessage(walletA, CHAIN_A);
    const messageB = siweMessage(walletA, CHAIN_B);
    // The chain-B owner cannot sign in as this address on chain A, nor the chain-A owner on chain B.
    const strangerOnA = await signAs(STRANGER, messageA);
    const ownerOnB = await signAs(OWNER, messageB);
    expect(
      await outcome({ address: walletA, message: messageA, signature: strangerOnA, chain: clientA }),
    ).toBe("signature_mismatch");
    expect(await outcome({ address: walletA, message: messageB, signature: ownerOnB, chain: clientB })).toBe(
      "signature_mismatch",
    );
    const ownerOnA = await signAs(OWNER, messageA);
    const strangerOnB = await signAs(STRANGER, messageB);
    expect(await outcome({ address: walletA, message: messageA, signature: ownerOnA, chain: clientA })).toBe(
      "eip1271",
    );
    expect(
      await outcome({ address: walletA, message: messageB, signature: strangerOnB, chain: clientB }),
    ).toBe("eip1271");
  });

  it("D9: a 6492 signature whose factory exists only on chain A does not verify on chain B", async () => {
    // Deployed from another account, so that this second factory exists on chain A only.
    const hash = await chainA.wallet(STRANGER).deployContract({
      abi: smartWalletFactoryAbi,
      bytecode: smartWalletFactoryBytecode,
      args: [],
    });
    const onlyOnA = (await chainA.publicClient.waitForTransactionReceipt({ hash })).contractAddress!;
    expect(await chainB.publicClient.getCode({ address: onlyOnA })).toBeUndefined();

    const wallet = await predictWallet(chainA, onlyOnA, OWNER, "counterfactual");
    const messageA = siweMessage(wallet, CHAIN_A);
    const messageB = siweMessage(wallet, CHAIN_B);
    const signatureA = wrap6492(onlyOnA, OWNER, "counterfactual", await signAs(OWNER, messageA));
    const signatureB = wrap6492(onlyOnA, OWNER, "counterfactual", await signAs(OWNER, messageB));
    expect(
      await outcome({
        address: wallet,
        message: messageA,
        signature: signatureA,
        chain: chainClient(chainA.url),
      }),
    ).toBe("eip6492");
    expect(
      await outcome({
        address: wallet,
        message: messageB,
        signature: signatureB,
        chain: chainClient(chainB.url, CHAIN_B),
      }),
    ).toBe("signature_mismatch");
  });

  it("A3: a client whose RPC serves another chain refuses contract checks (chain_id_mismatch), not a verdict", async () => {
    const wallet = await deployWallet(chainA, factory, OWNER, "misrouted");
    const message = siweMessage(wallet, CHAIN_B);
    const signature = await signAs(OWNER, message);
    // Configured as chain B but pointed at chain A's RPC, where this signature would verify.
    const misrouted = chainClient(chainA.url, CHAIN_B);
    const error = await verifySiweSignature({ address: wallet, message, signature, chain: misrouted }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ChainIdMismatchError);
  });
});
