// A Node bot that installed @sigil/client from its tarball: one API-key bot and one delegated bot
// call the venue at VENUE_URL, print the answers, wait for a line on stdin, and call again.
import { createBotClient, importSessionKey } from "@sigil/client/node";

const apiKeyBot = createBotClient({
  baseUrl: process.env.SIGIL_URL,
  credential: {
    kind: "api-key",
    keyId: process.env.API_KEY_ID,
    signer: { alg: "hmac-sha256", secret: process.env.API_KEY_SECRET },
  },
});
const delegatedBot = createBotClient({
  baseUrl: process.env.SIGIL_URL,
  issuer: process.env.SIGIL_ISSUER,
  credential: {
    kind: "delegation",
    delegationId: process.env.DELEGATION_ID,
    sessionKey: importSessionKey(process.env.SESSION_KEY),
  },
});

/** The venue's status, or the SDK's error code when it could not get a token. */
async function call(bot) {
  try {
    const response = await bot.fetch(`${process.env.VENUE_URL}/orders`);
    return { status: response.status, body: await response.json() };
  } catch (error) {
    return { error: error.code ?? String(error) };
  }
}

const round = async () => ({ apiKey: await call(apiKeyBot), delegation: await call(delegatedBot) });
console.log(JSON.stringify(await round()));
for await (const line of process.stdin) {
  if (line.toString().trim() === "exit") break;
  console.log(JSON.stringify(await round()));
}
process.exit(0);
