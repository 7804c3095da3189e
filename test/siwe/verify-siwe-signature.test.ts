import { smartWalletAbi } from "@sigil/chain/dev";
import { devAccount } from "@sigil/chain/dev";
import { isSigilError, RpcUnavailableError, type SigilError } from "@sigil/core";
import {
  DEFAULT_SIGNATURE_GAS_LIMIT,
  MAX_SIGNATURE_BYTES,
  SignatureInvalidError,
  SignatureMismatchError,
  verifySiweSignature,
  type VerifySiweSignatureParameters,
} from "@sigil/siwe";
import hre from "hardhat";
import {
  concatHex,
  encodeErrorResult,
  getAddress,
  numberToHex,
  padHex,
  parseAbi,
  sliceHex,
  type Address,
  type Hex,
} from "viem";
import { startLocalChain, type LocalChain } from "../fixtures/local-chain.js";
import { startCountingServer, startRecordingProxy, startSilentServer } from "./support/rpc-proxy.js";
import {
  answering,
  chainClient,
  deployFactories,
  deployWallet,
  LOOPING_CODE,
  predictWallet,
  signAs,
  siweMessage,
  wrap6492,
} from "./support/wallets.js";

const OWNER = 1;
const NEW_OWNER = 2;
const STRANGER = 3;
const owner = devAccount(OWNER).address;
const MAGIC_WORD = padHex("0x1626ba7e", { dir: "right", size: 32 });

describe("verifySiweSignature against a local chain over HTTP", () => {
  let chain: LocalChain;
  let factory: Address;
  let reverting: Address;
  let burning: Address;
  let nextLabel = 0;
  const label = () => `wallet-${nextLabel++}`;

  /** `walletKind` on success, else the error's stable code; anything but a SigilError fails the test. */
  async function outcome(parameters: Partial<VerifySiweSignatureParameters> & { address: Address }) {
    try {
      const { walletKind } = await verifySiweSignature({
        message: siweMessage(parameters.address),
        signature: "0x",
        chain: chainClient(chain.url),
        ...parameters,
      });
      return walletKind;
    } catch (error) {
      if (!isSigilError(error)) throw error;
      return error.code;
    }
  }

  /** The error `parameters` fail with (the test fails if they verify). */
  async function failure(parameters: VerifySiweSignatureParameters): Promise<SigilError> {
    const error = await verifySiweSignature(parameters).then(
      () => new Error("verified"),
      (caught: unknown) => caught,
    );
    if (!isSigilError(error)) throw error;
    return error;
  }

  async function setCode(address: Address, code: Hex): Promise<void> {
    await hre.network.provider.request({ method: "hardhat_setCode", params: [address, code] });
  }

  beforeAll(async () => {
    chain = await startLocalChain();
    ({ factory, reverting, burning } = await deployFactories(chain));
  });

  afterAll(() => chain.stop());

  describe("A7: each kind of signature gets the right answer", () => {
    it("A7: an EOA's own signature verifies as eoa", async () => {
      const message = siweMessage(owner);
      expect(await outcome({ address: owner, message, signature: await signAs(OWNER, message) })).toBe("eoa");
    });

    it("A7: a deployed EIP-1271 wallet's signature (by its owner) verifies as eip1271", async () => {
      const wallet = await deployWallet(chain, factory, OWNER, label());
      const message = siweMessage(wallet);
      const signature = await signAs(OWNER, message);
      expect(await outcome({ address: wallet, message, signature })).toBe("eip1271");
    });

    it("A7: an undeployed wallet's ERC-6492 signature verifies as eip6492 and the wallet stays undeployed", async () => {
      const name = label();
      const wallet = await predictWallet(chain, factory, OWNER, name);
      const message = siweMessage(wallet);
      const signature = wrap6492(factory, OWNER, name, await signAs(OWNER, message));
      expect(await outcome({ address: wallet, message, signature })).toBe("eip6492");
      expect(await chain.publicClient.getCode({ address: wallet })).toBeUndefined();
    });

    it("A7: an ERC-6492 signature still verifies once the wallet is deployed", async () => {
      const name = label();
      const wallet = await deployWallet(chain, factory, OWNER, name);
      const message = siweMessage(wallet);
      const signature = wrap6492(factory, OWNER, name, await signAs(OWNER, message));
      expect(await outcome({ address: wallet, message, signature })).toBe("eip6492");
    });

    it("A7: a valid signature by a different address is signature_mismatch, for every kind", async () => {
      const eoaMessage = siweMessage(owner);
      const byStranger = await signAs(STRANGER, eoaMessage);
      const eoa = await failure({
        address: owner,
        message: eoaMessage,
        signature: byStranger,
        chain: chainClient(chain.url),
      });
      expect(eoa).toBeInstanceOf(SignatureMismatchError);
      expect(eoa.details).toEqual({ reason: "other_signer", chainId: 31337 });

      const deployed = await deployWallet(chain, factory, OWNER, label());
      const deployedMessage = siweMessage(deployed);
      const contract = await failure({
        address: deployed,
        message: deployedMessage,
        signature: await signAs(STRANGER, deployedMessage),
        chain: chainClient(chain.url),
      });
      expect(contract.details).toEqual({ reason: "contract_rejected", chainId: 31337 });

      const name = label();
      const counterfactual = await predictWallet(chain, factory, OWNER, name);
      const message = siweMessage(counterfactual);
      const signature = wrap6492(factory, OWNER, name, await signAs(STRANGER, message));
      expect(await outcome({ address: counterfactual, message, signature })).toBe("signature_mismatch");
    });

    it("A7: a signature of another message, or for another address than the message's, is refused", async () => {
      const wallet = await deployWallet(chain, factory, OWNER, label());
      const signature = await signAs(OWNER, siweMessage(wallet));
      expect(await outcome({ address: wallet, message: siweMessage(owner), signature })).toBe(
        "signature_mismatch",
      );
      const notInMessage = await failure({
        address: owner,
        message: siweMessage(wallet),
        signature,
        chain: chainClient(chain.url),
      });
      expect(notInMessage.details).toMatchObject({ reason: "address_not_in_message" });
    });

    it("A7: an ERC-6492 signature whose factory reverts is signature_mismatch (contract_reverted)", async () => {
      const name = label();
      const wallet = await predictWallet(chain, factory, OWNER, name);
      const message = siweMessage(wallet);
      const signature = wrap6492(reverting, OWNER, name, await signAs(OWNER, message));
      const error = await failure({ address: wallet, message, signature, chain: chainClient(chain.url) });
      expect(error).toBeInstanceOf(SignatureMismatchError);
      expect(error.details).toEqual({ reason: "contract_reverted", chainId: 31337 });
    });

    it("A7: malformed signatures are signature_invalid, decided before any RPC", async () => {
      const proxy = await startRecordingProxy(chain.url);
      try {
        const message = siweMessage(owner);
        const good = await signAs(OWNER, message);
        const cases: [unknown, string][] = [
          [42, "not_a_string"],
          [good.slice(2), "malformed_hex"],
          [`0X${good.slice(2)}`, "malformed_hex"],
          [good.slice(0, -1), "malformed_hex"],
          [`0x${"zz".repeat(65)}`, "malformed_hex"],
          ["0x", "wrong_length"],
          [`0x${"ab".repeat(MAX_SIGNATURE_BYTES + 1)}`, "wrong_length"],
          // The ERC-6492 suffix on bytes that do not ABI-decode as (factory, calldata, signature).
          [
            concatHex([good, "0x6492649264926492649264926492649264926492649264926492649264926492"]),
            "malformed_hex",
          ],
        ];
        for (const [signature, reason] of cases) {
          const error = await failure({
            address: owner,
            message,
            signature: signature as Hex,
            chain: chainClient(proxy.url),
          });
          expect(error).toBeInstanceOf(SignatureInvalidError);
          expect([error.code, error.details]).toEqual(["signature_invalid", { reason }]);
        }
        expect(proxy.calls).toEqual([]);
      } finally {
        await proxy.close();
      }
    });

    it("A7: bytes that are no ECDSA signature are signature_invalid for an account without code", async () => {
      const message = siweMessage(owner);
      const good = await signAs(OWNER, message);
      const badV = concatHex([sliceHex(good, 0, 64), "0x1d"]);
      const failures = await Promise.all(
        [badV, sliceHex(good, 0, 64), concatHex([good, "0x00"])].map((signature) =>
          failure({ address: owner, message, signature, chain: chainClient(chain.url) }),
        ),
      );
      expect(failures.map((error) => [error.code, error.details])).toEqual([
        ["signature_invalid", { reason: "invalid_recovery_id" }],
        ["signature_invalid", { reason: "wrong_length" }],
        ["signature_invalid", { reason: "wrong_length" }],
      ]);
    });

    it("A7: a wallet contract may accept bytes that are no ECDSA signature, of any length", async () => {
      const wallet = getAddress("0x00000000000000000000000000000000000a11e5");
      await setCode(wallet, answering(MAGIC_WORD));
      const message = siweMessage(wallet);
      for (const signature of [`0x${"00".repeat(65)}`, `0x${"ab".repeat(130)}`, "0x01"] as Hex[]) {
        expect(await outcome({ address: wallet, message, signature })).toBe("eip1271");
      }
    });

    it("A7: only the exact ABI-encoded magic word counts, and never from an address without code", async () => {
      const signature = await signAs(STRANGER, "anything");
      const answers: [string, Hex, Hex][] = [
        [
          "selector with a non-zero tail",
          "0x00000000000000000000000000000000000ba11e",
          concatHex(["0x1626ba7e", padHex("0x01", { size: 28 })]),
        ],
        ["bare 4-byte selector", "0x00000000000000000000000000000000000ba12e", "0x1626ba7e"],
        [
          "0xffffffff",
          "0x00000000000000000000000000000000000ba13e",
          padHex("0xffffffff", { dir: "right", size: 32 }),
        ],
      ];
      for (const [, address, answer] of answers) {
        await setCode(address, answering(answer));
        const error = await failure({
          address: getAddress(address),
          message: siweMessage(getAddress(address)),
          signature,
          chain: chainClient(chain.url),
        });
        expect(error.details).toEqual({ reason: "contract_rejected", chainId: 31337 });
      }
      // The identity precompile echoes its calldata, which starts with the selector: no code, no wallet.
      const identity = getAddress("0x0000000000000000000000000000000000000004");
      const echoed = await failure({
        address: identity,
        message: siweMessage(identity),
        signature,
        chain: chainClient(chain.url),
      });
      expect(echoed.details).toEqual({ reason: "other_signer", chainId: 31337 });
    });

    it("A7: isValidSignature reverting is signature_mismatch (contract_reverted)", async () => {
      const wallet = getAddress("0x00000000000000000000000000000000000dead1");
      await setCode(wallet, answering("0x", { revert: true }));
      const message = siweMessage(wallet);
      const error = await failure({
        address: wallet,
        message,
        signature: await signAs(OWNER, message),
        chain: chainClient(chain.url),
      });
      expect(error.details).toEqual({ reason: "contract_reverted", chainId: 31337 });
    });

    it("A7: a wallet's OffchainLookup (EIP-3668) revert is refused without fetching its gateway", async () => {
      const gateway = await startCountingServer();
      try {
        const wallet = getAddress("0x00000000000000000000000000000000000cc1b0");
        const lookup = encodeErrorResult({
          abi: parseAbi([
            "error OffchainLookup(address sender, string[] urls, bytes callData, bytes4 callbackFunction, bytes extraData)",
          ]),
          errorName: "OffchainLookup",
          args: [wallet, [`${gateway.url}/{sender}/{data}`], "0x", "0x12345678", "0x"],
        });
        await setCode(wallet, answering(lookup, { revert: true }));
        const message = siweMessage(wallet);
        const error = await failure({
          address: wallet,
          message,
          signature: await signAs(OWNER, message),
          chain: chainClient(chain.url),
        });
        expect(error.details).toEqual({ reason: "contract_reverted", chainId: 31337 });
        expect(gateway.hits()).toBe(0);
      } finally {
        await gateway.close();
      }
    });
  });

  describe("A8: verification cost is capped in gas and time", () => {
    it("A8: a gas-burning factory is refused within the gas cap and well within the timeout", async () => {
      const proxy = await startRecordingProxy(chain.url);
      try {
        const name = label();
        const wallet = await predictWallet(chain, factory, OWNER, name);
        const message = siweMessage(wallet);
        const signature = wrap6492(burning, OWNER, name, await signAs(OWNER, message));
        const started = performance.now();
        const error = await failure({
          address: wallet,
          message,
          signature,
          chain: chainClient(proxy.url),
          timeoutMs: 3_000,
        });
        const elapsed = performance.now() - started;
        expect(error.details).toEqual({ reason: "contract_reverted", chainId: 31337 });
        expect(elapsed).toBeLessThan(3_000);
        const ethCalls = proxy.calls.filter((call) => call.method === "eth_call");
        expect(ethCalls.length).toBeGreaterThan(0);
        for (const call of ethCalls) {
          expect(call.params[0]).toMatchObject({ gas: numberToHex(DEFAULT_SIGNATURE_GAS_LIMIT) });
        }
      } finally {
        await proxy.close();
      }
    });

    it("A8: a wallet whose isValidSignature loops forever runs out of the capped gas: refused, not unavailable", async () => {
      const wallet = getAddress("0x00000000000000000000000000000000000100b5");
      await setCode(wallet, LOOPING_CODE);
      const message = siweMessage(wallet);
      // A smaller cap than the default keeps Hardhat's slow interpreter well inside the deadline.
      const error = await failure({
        address: wallet,
        message,
        signature: await signAs(OWNER, message),
        chain: chainClient(chain.url),
        gasLimit: 300_000n,
      });
      expect(error.details).toEqual({ reason: "contract_reverted", chainId: 31337 });
    });

    it("A8: the cap is enforced: a counterfactual login (~451k gas) fails under 300k and passes under the default", async () => {
      const name = label();
      const wallet = await predictWallet(chain, factory, OWNER, name);
      const message = siweMessage(wallet);
      const signature = wrap6492(factory, OWNER, name, await signAs(OWNER, message));
      expect(await outcome({ address: wallet, message, signature, gasLimit: 300_000n })).toBe(
        "signature_mismatch",
      );
      expect(await outcome({ address: wallet, message, signature })).toBe("eip6492");
    });

    it("A8/D1: an RPC that never answers gives rpc_unavailable at the deadline, not an invalid signature", async () => {
      const silent = await startSilentServer();
      try {
        const wallet = await deployWallet(chain, factory, OWNER, label());
        const message = siweMessage(wallet);
        const started = performance.now();
        const error = await failure({
          address: wallet,
          message,
          signature: await signAs(OWNER, message),
          chain: chainClient(silent.url, 31337, 10_000),
          timeoutMs: 300,
        });
        const elapsed = performance.now() - started;
        expect(error).toBeInstanceOf(RpcUnavailableError);
        expect(error.details).toEqual({ chainId: 31337 });
        expect(elapsed).toBeGreaterThanOrEqual(290);
        expect(elapsed).toBeLessThan(1_000);
      } finally {
        await silent.close();
      }
    });
  });

  describe("A9: a contract wallet's signature is re-checked against the chain as it is now", () => {
    it("A9: after setOwner the old login signature of a 1271 wallet fails; the new owner's verifies", async () => {
      const wallet = await deployWallet(chain, factory, OWNER, label());
      const message = siweMessage(wallet);
      const loginSignature = await signAs(OWNER, message);
      expect(await outcome({ address: wallet, message, signature: loginSignature })).toBe("eip1271");

      const hash = await chain.wallet(OWNER).writeContract({
        address: wallet,
        abi: smartWalletAbi,
        functionName: "setOwner",
        args: [devAccount(NEW_OWNER).address],
      });
      await chain.publicClient.waitForTransactionReceipt({ hash });

      const error = await failure({
        address: wallet,
        message,
        signature: loginSignature,
        chain: chainClient(chain.url),
      });
      expect(error.details).toEqual({ reason: "contract_rejected", chainId: 31337 });
      expect(await outcome({ address: wallet, message, signature: await signAs(NEW_OWNER, message) })).toBe(
        "eip1271",
      );
    });

    it("A9: a counterfactual 6492 login stops verifying once the wallet is deployed and handed over", async () => {
      const name = label();
      const wallet = await predictWallet(chain, factory, OWNER, name);
      const message = siweMessage(wallet);
      const loginSignature = wrap6492(factory, OWNER, name, await signAs(OWNER, message));
      expect(await outcome({ address: wallet, message, signature: loginSignature })).toBe("eip6492");

      await deployWallet(chain, factory, OWNER, name);
      expect(await outcome({ address: wallet, message, signature: loginSignature })).toBe("eip6492");
      const hash = await chain.wallet(OWNER).writeContract({
        address: wallet,
        abi: smartWalletAbi,
        functionName: "setOwner",
        args: [devAccount(NEW_OWNER).address],
      });
      await chain.publicClient.waitForTransactionReceipt({ hash });
      // The wrapper cannot bring the old owner back: the factory refuses to deploy twice.
      expect(await outcome({ address: wallet, message, signature: loginSignature })).toBe(
        "signature_mismatch",
      );
    });
  });

  describe("D1: the RPC being down is never an invalid signature", () => {
    it("D1: with the RPC down an EOA still verifies, contract wallets are rpc_unavailable; back up, they verify", async () => {
      const deployed = await deployWallet(chain, factory, OWNER, label());
      const later = label();
      const counterfactual = await predictWallet(chain, factory, OWNER, later);
      const client = chainClient(chain.url);
      const eoa = { address: owner, message: siweMessage(owner), chain: client } as const;
      const contract = { address: deployed, message: siweMessage(deployed), chain: client } as const;
      const eoaSignature = await signAs(OWNER, eoa.message);
      const contractSignature = await signAs(OWNER, contract.message);
      expect(await outcome({ ...contract, signature: contractSignature })).toBe("eip1271");

      await chain.pause();
      try {
        expect(await outcome({ ...eoa, signature: eoaSignature })).toBe("eoa");
        expect(await outcome({ ...contract, signature: contractSignature })).toBe("rpc_unavailable");
        const message = siweMessage(counterfactual);
        const wrapped = wrap6492(factory, OWNER, later, await signAs(OWNER, message));
        expect(await outcome({ address: counterfactual, message, chain: client, signature: wrapped })).toBe(
          "rpc_unavailable",
        );
        // Someone else's ECDSA signature could still be a wallet's: without the chain, no verdict.
        expect(await outcome({ ...eoa, signature: await signAs(STRANGER, eoa.message) })).toBe(
          "rpc_unavailable",
        );
      } finally {
        await chain.resume();
      }
      expect(await outcome({ ...contract, signature: contractSignature })).toBe("eip1271");
    });
  });

  describe("round trips", () => {
    it("the EOA path sends no JSON-RPC at all", async () => {
      const proxy = await startRecordingProxy(chain.url);
      try {
        const message = siweMessage(owner);
        const signature = await signAs(OWNER, message);
        for (let i = 0; i < 20; i++) {
          expect(await outcome({ address: owner, message, signature, chain: chainClient(proxy.url) })).toBe(
            "eoa",
          );
        }
        expect(proxy.requests).toBe(0);
      } finally {
        await proxy.close();
      }
    });

    it("an EIP-1271 check is one HTTP round trip: chain id (first time only), code and call batched", async () => {
      const proxy = await startRecordingProxy(chain.url);
      try {
        const wallet = await deployWallet(chain, factory, OWNER, label());
        const message = siweMessage(wallet);
        const signature = await signAs(OWNER, message);
        const client = chainClient(proxy.url);
        expect(await outcome({ address: wallet, message, signature, chain: client })).toBe("eip1271");
        expect(await outcome({ address: wallet, message, signature, chain: client })).toBe("eip1271");
        expect(proxy.requests).toBe(2);
        expect(proxy.calls.map((call) => call.method)).toEqual([
          "eth_chainId",
          "eth_getCode",
          "eth_call",
          "eth_getCode",
          "eth_call",
        ]);
      } finally {
        await proxy.close();
      }
    });
  });
});
