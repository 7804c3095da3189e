import {
  concatHex,
  decodeFunctionResult,
  encodeFunctionData,
  getContract,
  hashMessage,
  keccak256,
  parseEther,
  serializeErc6492Signature,
  sliceHex,
  stringToBytes,
  toHex,
  zeroAddress,
  type Address,
  type Hex,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import {
  gasBurningFactoryAbi,
  gasBurningFactoryBytecode,
  revertingFactoryAbi,
  revertingFactoryBytecode,
  smartWalletAbi,
  smartWalletFactoryAbi,
  smartWalletFactoryBytecode,
} from "@sigil/chain/dev";
import { deploy, isolateEachTest, publicClient, testAccounts, walletFor } from "./support/chain.js";
import { expectRevert } from "./support/reverts.js";
import { eventsOf, mined } from "./support/transactions.js";

const ERC1271_MAGIC_VALUE = "0x1626ba7e";
const INVALID_SIGNATURE = "0xffffffff";
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";
const MESSAGE = "Sign in to Sigil";
const salt = (label: string): Hex => keccak256(stringToBytes(label));

describe("SmartWallet and SmartWalletFactory", () => {
  let owner: Address;
  let newOwner: Address;
  let stranger: Address;
  let factory: Address;

  const factoryContract = () =>
    getContract({
      address: factory,
      abi: smartWalletFactoryAbi,
      client: { public: publicClient, wallet: walletFor(owner) },
    });
  const walletAs = (wallet: Address, sender: Address) =>
    getContract({
      address: wallet,
      abi: smartWalletAbi,
      client: { public: publicClient, wallet: walletFor(sender) },
    });
  const signMessage = (signer: Address) => walletFor(signer).signMessage({ message: MESSAGE });
  const isValidSignature = (wallet: Address, hash: Hex, signature: Hex) =>
    publicClient.readContract({
      address: wallet,
      abi: smartWalletAbi,
      functionName: "isValidSignature",
      args: [hash, signature],
    });

  async function deployWallet(walletOwner: Address, label = "wallet"): Promise<Address> {
    const receipt = await mined(factoryContract().write.deploy([walletOwner, salt(label)]));
    const [deployed] = eventsOf(receipt, {
      abi: smartWalletFactoryAbi,
      emitter: factory,
      eventName: "WalletDeployed",
    });
    return deployed!.args.wallet;
  }

  beforeAll(async () => {
    [owner, newOwner, stranger] = (await testAccounts()) as [Address, Address, Address];
    factory = await deploy({
      abi: smartWalletFactoryAbi,
      bytecode: smartWalletFactoryBytecode,
      args: [],
      from: walletFor(owner),
    });
  });

  isolateEachTest();

  describe("SmartWalletFactory", () => {
    it("deploys at the predicted address and emits WalletDeployed and OwnerChanged", async () => {
      const predicted = await factoryContract().read.predict([owner, salt("a")]);
      expect(await publicClient.getCode({ address: predicted })).toBeUndefined();
      const { result } = await factoryContract().simulate.deploy([owner, salt("a")], { account: owner });
      expect(result).toBe(predicted);

      const receipt = await mined(factoryContract().write.deploy([owner, salt("a")]));
      expect(
        eventsOf(receipt, { abi: smartWalletFactoryAbi, emitter: factory, eventName: "WalletDeployed" }).map(
          (log) => log.args,
        ),
      ).toEqual([{ wallet: predicted, owner, salt: salt("a") }]);
      expect(
        eventsOf(receipt, { abi: smartWalletAbi, emitter: predicted, eventName: "OwnerChanged" }).map(
          (log) => log.args,
        ),
      ).toEqual([{ previousOwner: zeroAddress, newOwner: owner }]);
      expect(await publicClient.getCode({ address: predicted })).toMatch(/^0x[0-9a-f]{100,}$/);
      expect(await walletAs(predicted, owner).read.owner()).toBe(owner);
    });

    it("gives each owner and each salt its own address", async () => {
      const [a, b, c] = await Promise.all([
        factoryContract().read.predict([owner, salt("a")]),
        factoryContract().read.predict([newOwner, salt("a")]),
        factoryContract().read.predict([owner, salt("b")]),
      ]);
      expect(new Set([a, b, c]).size).toBe(3);
    });

    it("refuses to deploy the same wallet twice", async () => {
      const wallet = await deployWallet(owner, "a");
      await expectRevert(
        factoryContract().write.deploy([owner, salt("a")]),
        "SmartWalletFactoryAlreadyDeployed",
        {
          args: [wallet],
        },
      );
    });

    it("bubbles up the wallet's refusal of the zero owner", async () => {
      await expectRevert(
        factoryContract().write.deploy([zeroAddress, salt("a")]),
        "SmartWalletInvalidOwner",
        {
          abi: smartWalletAbi,
          args: [zeroAddress],
        },
      );
    });
  });

  describe("isValidSignature (EIP-1271)", () => {
    let wallet: Address;
    beforeEach(async () => {
      wallet = await deployWallet(owner);
    });

    it("accepts the owner's signature and rejects anyone else's", async () => {
      expect(await isValidSignature(wallet, hashMessage(MESSAGE), await signMessage(owner))).toBe(
        ERC1271_MAGIC_VALUE,
      );
      expect(await isValidSignature(wallet, hashMessage(MESSAGE), await signMessage(stranger))).toBe(
        INVALID_SIGNATURE,
      );
      expect(await isValidSignature(wallet, hashMessage("another message"), await signMessage(owner))).toBe(
        INVALID_SIGNATURE,
      );
    });

    it("checks the hash as given, adding no prefix", async () => {
      const hash = keccak256(stringToBytes(MESSAGE));
      const signature = await mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: 0 }).sign({ hash });
      expect(await isValidSignature(wallet, hash, signature)).toBe(ERC1271_MAGIC_VALUE);
      expect(await isValidSignature(wallet, hashMessage({ raw: hash }), signature)).toBe(INVALID_SIGNATURE);
    });

    it("answers 0xffffffff to malformed signatures instead of reverting", async () => {
      const good = await signMessage(owner);
      const r = sliceHex(good, 0, 32);
      const s = BigInt(sliceHex(good, 32, 64));
      const v = Number(BigInt(sliceHex(good, 64, 65)));
      const malleable = concatHex([
        r,
        toHex(SECP256K1_N - s, { size: 32 }),
        toHex(v === 27 ? 28 : 27, { size: 1 }),
      ]);
      const malformed: Hex[] = [
        "0x",
        sliceHex(good, 0, 64),
        concatHex([good, "0x00"]),
        concatHex([sliceHex(good, 0, 64), "0x1d"]),
        `0x${"00".repeat(65)}`,
        malleable,
      ];
      for (const signature of malformed) {
        expect(await isValidSignature(wallet, hashMessage(MESSAGE), signature)).toBe(INVALID_SIGNATURE);
      }
    });
  });

  describe("setOwner", () => {
    let wallet: Address;
    beforeEach(async () => {
      wallet = await deployWallet(owner);
    });

    it("hands the wallet to a new owner: old signatures stop being valid, new ones are", async () => {
      const oldSignature = await signMessage(owner);
      const receipt = await mined(walletAs(wallet, owner).write.setOwner([newOwner]));
      expect(
        eventsOf(receipt, { abi: smartWalletAbi, emitter: wallet, eventName: "OwnerChanged" }).map(
          (log) => log.args,
        ),
      ).toEqual([{ previousOwner: owner, newOwner }]);
      expect(await walletAs(wallet, owner).read.owner()).toBe(newOwner);
      expect(await isValidSignature(wallet, hashMessage(MESSAGE), oldSignature)).toBe(INVALID_SIGNATURE);
      expect(await isValidSignature(wallet, hashMessage(MESSAGE), await signMessage(newOwner))).toBe(
        ERC1271_MAGIC_VALUE,
      );
      await expectRevert(walletAs(wallet, owner).write.setOwner([owner]), "SmartWalletUnauthorizedCaller", {
        args: [owner],
      });
    });

    it("is reserved to the owner", async () => {
      await expectRevert(
        walletAs(wallet, stranger).write.setOwner([stranger]),
        "SmartWalletUnauthorizedCaller",
        {
          args: [stranger],
        },
      );
    });

    it("refuses the zero address", async () => {
      await expectRevert(walletAs(wallet, owner).write.setOwner([zeroAddress]), "SmartWalletInvalidOwner", {
        args: [zeroAddress],
      });
    });
  });

  describe("execute and receive", () => {
    let wallet: Address;
    beforeEach(async () => {
      wallet = await deployWallet(owner);
    });

    it("accepts ether and forwards it, with the value sent along, on the owner's order", async () => {
      await mined(walletFor(stranger).sendTransaction({ to: wallet, value: parseEther("2") }));
      expect(await publicClient.getBalance({ address: wallet })).toBe(parseEther("2"));

      const before = await publicClient.getBalance({ address: stranger });
      await mined(
        walletAs(wallet, owner).write.execute([stranger, parseEther("3"), "0x"], { value: parseEther("1") }),
      );
      expect(await publicClient.getBalance({ address: stranger })).toBe(before + parseEther("3"));
      expect(await publicClient.getBalance({ address: wallet })).toBe(0n);
    });

    it("returns what the target returned", async () => {
      const data = encodeFunctionData({
        abi: smartWalletFactoryAbi,
        functionName: "predict",
        args: [owner, salt("x")],
      });
      const { result } = await walletAs(wallet, owner).simulate.execute([factory, 0n, data], {
        account: owner,
      });
      const predicted = decodeFunctionResult({
        abi: smartWalletFactoryAbi,
        functionName: "predict",
        data: result,
      });
      expect(predicted).toBe(await factoryContract().read.predict([owner, salt("x")]));
    });

    it("bubbles up the target's revert", async () => {
      const data = encodeFunctionData({
        abi: smartWalletFactoryAbi,
        functionName: "deploy",
        args: [owner, salt("wallet")],
      });
      await expectRevert(
        walletAs(wallet, owner).write.execute([factory, 0n, data]),
        "SmartWalletFactoryAlreadyDeployed",
        { abi: smartWalletFactoryAbi, args: [wallet] },
      );
    });

    it("is reserved to the owner", async () => {
      await expectRevert(
        walletAs(wallet, stranger).write.execute([stranger, 0n, "0x"]),
        "SmartWalletUnauthorizedCaller",
        {
          args: [stranger],
        },
      );
    });
  });

  describe("viem verifyMessage (EIP-1271 and EIP-6492)", () => {
    const deployCalldata = (walletOwner: Address, label: string) =>
      encodeFunctionData({
        abi: smartWalletFactoryAbi,
        functionName: "deploy",
        args: [walletOwner, salt(label)],
      });
    const verify = (address: Address, signature: Hex) =>
      publicClient.verifyMessage({ address, message: MESSAGE, signature });

    it("verifies a deployed wallet's signature through EIP-1271, and not after an owner change", async () => {
      const wallet = await deployWallet(owner);
      const signature = await signMessage(owner);
      expect(await verify(wallet, signature)).toBe(true);
      expect(await verify(wallet, await signMessage(stranger))).toBe(false);

      await mined(walletAs(wallet, owner).write.setOwner([newOwner]));
      expect(await verify(wallet, signature)).toBe(false);
    });

    it("verifies an undeployed wallet's 6492-wrapped signature without deploying it", async () => {
      const wallet = await factoryContract().read.predict([owner, salt("later")]);
      const signature = serializeErc6492Signature({
        address: factory,
        data: deployCalldata(owner, "later"),
        signature: await signMessage(owner),
      });
      expect(await verify(wallet, signature)).toBe(true);
      expect(await publicClient.getCode({ address: wallet })).toBeUndefined();
    });

    it("rejects a 6492-wrapped signature by someone other than the future owner", async () => {
      const wallet = await factoryContract().read.predict([owner, salt("later")]);
      const signature = serializeErc6492Signature({
        address: factory,
        data: deployCalldata(owner, "later"),
        signature: await signMessage(stranger),
      });
      expect(await verify(wallet, signature)).toBe(false);
    });

    it("still verifies a 6492-wrapped signature once the wallet is deployed", async () => {
      const wallet = await deployWallet(owner, "later");
      const signature = serializeErc6492Signature({
        address: factory,
        data: deployCalldata(owner, "later"),
        signature: await signMessage(owner),
      });
      expect(await verify(wallet, signature)).toBe(true);
    });
  });

  describe("negative factories for EIP-6492", () => {
    let wallet: Address;
    beforeEach(async () => {
      wallet = await factoryContract().read.predict([owner, salt("later")]);
    });

    it("RevertingFactory always reverts, so a signature relying on it is rejected", async () => {
      const reverting = await deploy({
        abi: revertingFactoryAbi,
        bytecode: revertingFactoryBytecode,
        args: [],
        from: walletFor(owner),
      });
      await expectRevert(
        publicClient.simulateContract({
          address: reverting,
          abi: revertingFactoryAbi,
          functionName: "deploy",
          args: [owner, salt("later")],
        }),
        "RevertingFactoryDeployRefused",
        { args: [owner, salt("later")] },
      );
      const signature = serializeErc6492Signature({
        address: reverting,
        data: encodeFunctionData({
          abi: revertingFactoryAbi,
          functionName: "deploy",
          args: [owner, salt("later")],
        }),
        signature: await signMessage(owner),
      });
      expect(await publicClient.verifyMessage({ address: wallet, message: MESSAGE, signature })).toBe(false);
    });

    it("GasBurningFactory exhausts any gas it is given, so a signature relying on it is rejected", async () => {
      const burning = await deploy({
        abi: gasBurningFactoryAbi,
        bytecode: gasBurningFactoryBytecode,
        args: [],
        from: walletFor(owner),
      });
      const data = encodeFunctionData({
        abi: gasBurningFactoryAbi,
        functionName: "deploy",
        args: [owner, salt("later")],
      });
      await expect(publicClient.call({ to: burning, data, gas: 5_000_000n })).rejects.toThrow(/out of gas/i);
      const signature = serializeErc6492Signature({
        address: burning,
        data,
        signature: await signMessage(owner),
      });
      expect(await publicClient.verifyMessage({ address: wallet, message: MESSAGE, signature })).toBe(false);
    });
  });
});
