// A frontend that installed @sigil/client from its tarball, bundled by esbuild for the browser. The
// wallet-kit adapters are driven as RainbowKit and Reown AppKit call them, with the injected wallet signing.
import { createSigilClient } from "@sigil/client";
import { sigilAuthenticationAdapter } from "@sigil/client/rainbowkit";
import { sigilSiweConfig } from "@sigil/client/reown";

const personalSign = (message, address) =>
  window.ethereum.request({ method: "personal_sign", params: [message, address] });
const firstAccount = async () => (await window.ethereum.request({ method: "eth_requestAccounts" }))[0];

window.consumer = {
  /** The SDK's own sign-in; returns the session's scopes, /v1/me's address and the access token. */
  async signIn(baseUrl) {
    const client = createSigilClient({ baseUrl, autoRefresh: false });
    window.consumer.client = client;
    const session = await client.signIn({ provider: window.ethereum, chainId: 31337 });
    const me = await client.me();
    return { scope: session.scope, address: me.address, accessToken: await client.getAccessToken() };
  },
  /** Signs out, then asks /v1/me again with the old token: the status and error code Sigil answers. */
  async signOutThenMe(accessToken) {
    await window.consumer.client.signOut();
    const response = await fetch("/v1/me", { headers: { authorization: `Bearer ${accessToken}` } });
    return { status: response.status, error: (await response.json()).error };
  },
  /** RainbowKit's calls: getNonce → createMessage → (wallet signs) → verify → … → signOut. */
  async rainbowKit(baseUrl, site) {
    const client = createSigilClient({ baseUrl, autoRefresh: false });
    const adapter = sigilAuthenticationAdapter(client, site);
    const address = await firstAccount();
    const nonce = await adapter.getNonce();
    const message = adapter.createMessage({ nonce, address, chainId: 31337 });
    const verified = await adapter.verify({ message, signature: await personalSign(message, address) });
    const me = await client.me();
    const accessToken = await client.getAccessToken();
    await adapter.signOut();
    return { verified, address: me.address, accessToken, afterSignOut: await client.session() };
  },
  /** AppKit's SIWE calls: getMessageParams, getNonce, createMessage, verifyMessage, getSession, signOut. */
  async appKit(baseUrl, site) {
    const client = createSigilClient({ baseUrl, autoRefresh: false });
    const config = sigilSiweConfig(client, { ...site, chains: [31337] });
    const params = await config.getMessageParams();
    const address = await firstAccount();
    const nonce = await config.getNonce();
    const message = config.createMessage({
      ...params,
      nonce,
      address: `did:pkh:eip155:31337:${address}`,
      chainId: 31337,
      version: "1",
      iat: new Date().toISOString(),
    });
    const verified = await config.verifyMessage({ message, signature: await personalSign(message, address) });
    const session = await config.getSession();
    const accessToken = await client.getAccessToken();
    await config.signOut();
    return { verified, session, accessToken, afterSignOut: await config.getSession() };
  },
};
document.body.dataset.ready = "true";
