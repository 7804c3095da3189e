// A frontend that installed @sigil/client from its tarball, bundled by esbuild for the browser.
import { createSigilClient } from "@sigil/client";

window.consumer = {
  /** Signs in with the injected wallet; returns the session's scopes, /v1/me and the access token. */
  async signIn(baseUrl) {
    const client = createSigilClient({ baseUrl, autoRefresh: false });
    window.consumer.client = client;
    const session = await client.signIn({ provider: window.ethereum, chainId: 31337 });
    const me = await client.me();
    return { scope: session.scope, address: me.address, accessToken: await client.getAccessToken() };
  },
  /** Signs out, then asks /v1/me again with the old token: the error code Sigil answers. */
  async signOutThenMe(accessToken) {
    await window.consumer.client.signOut();
    const response = await fetch("/v1/me", { headers: { authorization: `Bearer ${accessToken}` } });
    return { status: response.status, error: (await response.json()).error };
  },
};
document.body.dataset.ready = "true";
