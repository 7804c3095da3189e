// A scriptable EIP-1193 wallet whose keys stay in Node: the SDK tests call it directly and the
// browser test exposes it to the page, so the page's "injected wallet" path is what runs.
import { type Account, type Hex, hexToString, isHex } from "viem";

/** How the wallet behaves on the next requests. */
export interface TestWalletBehaviour {
  /** Chain the wallet reports (default 31337). */
  chainId: number;
  /** Decline every signature with EIP-1193 error 4001, as a user clicking "Reject". */
  rejectSignatures: boolean;
  /** Address the wallet presents; a smart wallet's, while `account` (its owner) signs. */
  address?: Hex;
  /** Post-processes a signature (ERC-6492 wrapping for a counterfactual wallet). */
  wrap?: (signature: Hex) => Hex;
}

/** A JSON-RPC request as EIP-1193 passes it. */
export interface WalletRequest {
  method: string;
  params?: readonly unknown[] | object;
}

/** The wallet: `request` answers like an injected provider; `behaviour` is changed by tests. */
export interface TestWallet {
  account: Account & { signMessage: NonNullable<Account["signMessage"]> };
  behaviour: TestWalletBehaviour;
  /** Every method asked for, in order. */
  calls: string[];
  request(args: WalletRequest): Promise<unknown>;
}

/** An EIP-1193 error, shaped as wallets throw them (`code` and `message`). */
export class ProviderRpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Creates a {@link TestWallet} for `account` (a viem local account: it signs in this process). */
export function createTestWallet(
  account: TestWallet["account"],
  behaviour: Partial<TestWalletBehaviour> = {},
): TestWallet {
  const wallet: TestWallet = {
    account,
    behaviour: { chainId: 31337, rejectSignatures: false, ...behaviour },
    calls: [],
    request: async ({ method, params }) => {
      wallet.calls.push(method);
      const address = wallet.behaviour.address ?? account.address;
      switch (method) {
        case "eth_requestAccounts":
        case "eth_accounts":
          return [address];
        case "eth_chainId":
          return `0x${wallet.behaviour.chainId.toString(16)}`;
        case "personal_sign": {
          const [data, signer] = params as [Hex, string];
          if (signer.toLowerCase() !== address.toLowerCase()) {
            throw new ProviderRpcError(4100, `unknown account ${signer}`);
          }
          if (wallet.behaviour.rejectSignatures)
            throw new ProviderRpcError(4001, "User rejected the request.");
          const message = isHex(data) ? hexToString(data) : String(data);
          const signature = await account.signMessage({ message });
          return wallet.behaviour.wrap ? wallet.behaviour.wrap(signature) : signature;
        }
        default:
          throw new ProviderRpcError(4200, `unsupported method ${method}`);
      }
    },
  };
  return wallet;
}
