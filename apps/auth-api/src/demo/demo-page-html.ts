/** The demo page's markup: no framework; `/demo/app.js` (the bundled SDK + page script) fills it in. */
export const DEMO_PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sigil demo — sign in with a wallet</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1d2330; }
  h1 { font-size: 1.4rem; } h2 { font-size: 1.05rem; margin-top: 1.6rem; }
  section { border: 1px solid #d8dce6; border-radius: 8px; padding: .8rem 1rem; margin: .8rem 0; }
  button { font: inherit; padding: .35rem .8rem; border-radius: 6px; border: 1px solid #8a93a8; background: #fff; cursor: pointer; }
  button.primary { background: #3450d1; color: #fff; border-color: #3450d1; }
  code, .mono { font-family: ui-monospace, monospace; font-size: .9em; word-break: break-all; }
  table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: .25rem .4rem; border-bottom: 1px solid #eceef3; vertical-align: top; }
  .error { background: #fdecec; border-color: #e4a0a0; color: #8a1c1c; }
  .ok { background: #eaf7ee; border-color: #9fd3ae; }
  .tag { display: inline-block; background: #eef1fb; border-radius: 4px; padding: 0 .4rem; margin: 0 .2rem .2rem 0; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<h1>Sigil demo: sign in with a wallet</h1>
<p>Sign a Sign-In with Ethereum message; Sigil reads your on-chain roles and grants the scopes they allow.</p>
<section id="wallet-panel">
  <div id="wallet-kind">Looking for a wallet…</div>
  <p>
    <select id="dev-account" hidden></select>
    <button id="sign-in" class="primary" disabled>Sign in with wallet</button>
    <button id="sign-out" hidden>Sign out</button>
  </p>
  <div id="status" role="status"></div>
</section>
<section id="error" class="error" role="alert" hidden></section>
<section id="identity" hidden>
  <h2>Signed in</h2>
  <table>
    <tr><th>address</th><td id="address" class="mono"></td></tr>
    <tr><th>roles</th><td id="roles"></td></tr>
    <tr><th>granted scopes</th><td id="scopes"></td></tr>
    <tr><th>roles read at</th><td id="block" class="mono"></td></tr>
    <tr><th>scope sources</th><td id="scope-sources"></td></tr>
  </table>
</section>
<section id="venue" hidden>
  <h2>Example venue</h2>
  <p><button id="call-venue">GET /positions with the token</button> <span id="venue-url" class="mono"></span></p>
  <pre id="venue-result" class="mono"></pre>
</section>
<section id="sessions-panel" hidden>
  <h2>Sessions</h2>
  <table><thead><tr><th>session</th><th>wallet</th><th>scopes</th><th>since</th><th></th></tr></thead><tbody id="sessions"></tbody></table>
</section>
<section id="grants-panel" hidden>
  <h2>Grant history</h2>
  <table><thead><tr><th>issued</th><th>method</th><th>requested</th><th>granted</th><th>block</th><th>revoked</th></tr></thead><tbody id="grants"></tbody></table>
</section>
<script src="/demo/app.js" type="module"></script>
</body>
</html>
`;
