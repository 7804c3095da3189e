// The demo page's script (bundled with @sigil/client by scripts/build.mjs into /demo/app.js).
import {
  createSigilClient,
  type Eip1193Provider,
  type Grant,
  type ScopeSources,
  type SessionSummary,
  type SigilClient,
} from "@sigil/client";
import type { Hex } from "viem";
import type { DemoPageSettings } from "@sigil/config";
import { describeError } from "./describe-error.js";
import { createDevWallet } from "./dev-wallet.js";

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const text = (id: string, value: string) => ($(id).textContent = value);
const tags = (values: readonly string[] | null) =>
  (values ?? []).map((value) => `<span class="tag">${escape(value)}</span>`).join("") || "—";
const escape = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function showError(error: unknown) {
  const box = $("error");
  box.hidden = false;
  box.textContent = describeError(error);
  box.dataset.code = (error as { code?: string })?.code ?? "unknown";
}
function clearError() {
  $("error").hidden = true;
  $("error").textContent = "";
}

async function main() {
  const settings = (await (await fetch("/demo/config")).json()) as DemoPageSettings;
  const sigil: SigilClient = createSigilClient({ baseUrl: location.origin });
  const injected = (window as { ethereum?: Eip1193Provider }).ethereum;
  const select = $<HTMLSelectElement>("dev-account");
  const signInButton = $<HTMLButtonElement>("sign-in");

  if (injected) {
    text("wallet-kind", "Browser wallet found (injected EIP-1193 provider).");
  } else if (settings.devAccounts.length > 0) {
    text(
      "wallet-kind",
      `No browser wallet: using a dev wallet with Hardhat's public keys (chain ${settings.chainId} only).`,
    );
    select.hidden = false;
    for (const account of settings.devAccounts) {
      select.add(new Option(`${account.index} ${account.label} ${account.address}`, String(account.index)));
    }
    select.value = "1";
  } else {
    text("wallet-kind", "No browser wallet found. Install one (e.g. MetaMask) and reload.");
  }
  signInButton.disabled = !injected && settings.devAccounts.length === 0;

  const wallet = (): Eip1193Provider => {
    if (injected) return injected;
    const chosen = settings.devAccounts.find((account) => String(account.index) === select.value)!;
    return createDevWallet({ privateKey: chosen.privateKey as Hex, chainId: settings.chainId });
  };

  const render = async () => {
    const [me, sessions, grants] = await Promise.all([sigil.me(), sigil.sessions(), sigil.grants()]);
    text("address", me.address);
    $("roles").innerHTML = tags(me.roles);
    $("scopes").innerHTML = tags(me.scope);
    text(
      "block",
      me.rolesCheckedAt
        ? `chain ${me.rolesCheckedAt.chainId}, block ${me.rolesCheckedAt.blockNumber} (${me.rolesCheckedAt.blockHash})`
        : "—",
    );
    renderScopeSources(me.scopeSources);
    renderSessions(sessions);
    renderGrants(grants);
    for (const id of ["identity", "venue", "sessions-panel", "grants-panel"]) $(id).hidden = false;
    $("sign-out").hidden = false;
    text("status", `Signed in as ${me.address}.`);
  };

  // Each scope: the policy rule that grants it and the sources, with the chain and block each was read at.
  const renderScopeSources = (scopeSources: ScopeSources | null) => {
    $("scope-sources").innerHTML =
      Object.entries(scopeSources ?? {})
        .map(
          ([scope, { rule, sources }]) =>
            `<div data-scope="${escape(scope)}"><span class="tag">${escape(scope)}</span> rule <b>${escape(rule)}</b>: ${sources
              .map(
                (s) =>
                  `<span class="mono" title="${escape(s.address)} ${escape(s.blockHash)}">${escape(s.source)} (${escape(s.kind)}) chain ${s.chainId}, block ${escape(s.blockNumber)}</span>`,
              )
              .join(", ")}</div>`,
        )
        .join("") || "—";
  };
  const renderSessions = (sessions: SessionSummary[]) => {
    $("sessions").innerHTML = sessions
      .map(
        (
          s,
        ) => `<tr data-session-id="${escape(s.id)}"><td class="mono">${escape(s.id.slice(0, 8))}${s.current ? " (this one)" : ""}</td>
<td>${escape(s.walletKind)}</td><td>${tags(s.scope)}</td><td>${escape(new Date(s.createdAt).toLocaleTimeString())}</td>
<td><button class="revoke" data-session-id="${escape(s.id)}">Revoke</button></td></tr>`,
      )
      .join("");
  };
  const renderGrants = (grants: Grant[]) => {
    $("grants").innerHTML = grants
      .map(
        (g) => `<tr><td>${escape(new Date(g.issuedAt).toLocaleTimeString())}</td><td>${escape(g.method)}</td>
<td>${g.scopesRequested ? tags(g.scopesRequested) : "all allowed"}</td><td>${tags(g.scopesGranted)}</td><td class="mono">${escape(g.block.number)}</td>
<td>${g.revokedAt ? escape(g.revokedReason ?? "revoked") : "—"}</td></tr>`,
      )
      .join("");
  };

  signInButton.addEventListener("click", async () => {
    clearError();
    signInButton.disabled = true;
    text("status", "Waiting for the wallet's signature…");
    try {
      await sigil.signIn({ provider: wallet(), chainId: settings.chainId });
      await render();
    } catch (error) {
      text("status", "Not signed in.");
      showError(error);
    } finally {
      signInButton.disabled = false;
    }
  });

  $("sign-out").addEventListener("click", async () => {
    await sigil.signOut();
    for (const id of ["identity", "venue", "sessions-panel", "grants-panel", "sign-out"]) $(id).hidden = true;
    text("venue-result", "");
    text("status", "Signed out.");
  });

  $("sessions").addEventListener("click", async (event) => {
    const id = (event.target as HTMLElement).closest<HTMLButtonElement>("button.revoke")?.dataset.sessionId;
    if (!id) return;
    clearError();
    try {
      const current = (await sigil.session())?.sessionId === id;
      await sigil.revokeSession(id);
      if (current) {
        // Keep the now-dead token so the venue's refusal can be seen; the next call ends the session here.
        text("status", "This session was revoked: the venue refuses its token within about a second.");
        $("sessions")
          .querySelector(`tr[data-session-id="${CSS.escape(id)}"]`)
          ?.remove();
      } else {
        await render();
      }
    } catch (error) {
      showError(error);
    }
  });

  const venueUrl = settings.venueUrl;
  text("venue-url", venueUrl ? `${venueUrl}/positions` : "(no venue configured)");
  $("call-venue").addEventListener("click", async () => {
    clearError();
    const result = $("venue-result");
    if (!venueUrl) return;
    try {
      const response = await sigil.fetch(`${venueUrl}/positions`);
      const body = await response.text();
      result.dataset.status = String(response.status);
      result.textContent = `${response.status} ${response.ok ? "OK" : "refused"}\n${body}`;
      result.parentElement!.className = response.ok ? "ok" : "error";
      if (!(await sigil.session())) text("status", "The session ended; sign in again.");
    } catch (error) {
      result.dataset.status = "error";
      result.textContent = "";
      showError(error);
    }
  });

  if (await sigil.session()) await render();
  document.body.dataset.ready = "true";
}

main().catch(showError);
