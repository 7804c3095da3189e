// Gives a page `window.ethereum`, a plain EIP-1193 provider whose requests a Node-side test wallet answers.
import type { Page } from "playwright-core";
import type { TestWallet, WalletRequest } from "./test-wallet.js";

type WalletAnswer = { result: unknown } | { error: { code: number; message: string } };

/** Injects the wallet `current()` returns at each request (tests may switch wallets between steps). */
export async function injectWallet(page: Page, current: () => TestWallet): Promise<void> {
  await page.exposeFunction("sigilTestWallet", async (args: WalletRequest): Promise<WalletAnswer> => {
    try {
      return { result: await current().request(args) };
    } catch (error) {
      const { code, message } = error as { code?: number; message: string };
      return { error: { code: code ?? -32603, message } };
    }
  });
  await page.addInitScript(() => {
    const call = (window as unknown as { sigilTestWallet: (a: unknown) => Promise<WalletAnswer> })
      .sigilTestWallet;
    (window as unknown as { ethereum: unknown }).ethereum = {
      request: async (args: unknown) => {
        const answer = await call(args);
        if ("error" in answer)
          throw Object.assign(new Error(answer.error.message), { code: answer.error.code });
        return answer.result;
      },
    };
  });
}
