// The reference Sigil's sign-ins are held to: memory-siwe-backend.ts in its own Node process, loaded
// by the same sign-in matrix in the same alternated rounds, and each Sigil configuration's ratio to
// it round by round (a round's figures share the machine's state of the moment).
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { median } from "./closed-loop.js";
import type { SignInFlow } from "./login-load.js";
import { root, tracked } from "./bench-environment.js";
import type { SignInFigures } from "./sign-in-matrix.js";

/** `native`: libsecp256k1 and keccak prebuilds, as the auth-api; `viem`: viem's verifyMessage (@noble). */
export type ReferenceCrypto = "native" | "viem";

const SERVER = fileURLToPath(new URL("./memory-siwe-backend.ts", import.meta.url));

/** Starts the reference with `crypto`; stop() ends its process. */
export async function startSignInReference(
  crypto: ReferenceCrypto,
): Promise<{ url: string; stop(): Promise<void> }> {
  const child = fork(SERVER, [crypto], {
    cwd: root,
    execArgv: ["--import", "@swc-node/register/esm-register"],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  const stop = tracked(child);
  const port = await new Promise<number>((resolve, reject) => {
    child.once("message", (message) => resolve(Number(message)));
    child.once("exit", (code) => reject(new Error(`the SIWE reference exited ${code} before listening`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop };
}

export interface ReferenceRatio {
  /** The Sigil configuration's target label, as in the sign-in figures. */
  target: string;
  flow: SignInFlow;
  /** The reference's target label. */
  reference: string;
  /** Sigil's sign-ins/s ÷ the reference's, same flow, round by round. */
  perRound: number[];
  min: number;
  median: number;
  /** The factor every round must reach. */
  factor: number;
  met: boolean;
}

/** Every Sigil configuration's ratio to every reference of the same flow, round by round. */
export function ratiosToReferences(p: {
  signIns: SignInFigures[];
  references: string[];
  factor: number;
}): ReferenceRatio[] {
  const sigil = p.signIns.filter((figures) => !p.references.includes(figures.target));
  return p.references.flatMap((reference) =>
    sigil.flatMap((figures) => {
      const base = p.signIns.find((f) => f.target === reference && f.flow === figures.flow);
      if (!base) return [];
      const perRound = figures.rounds.map((rate, round) => rate / base.rounds[round]!);
      const min = Math.min(...perRound);
      return [
        {
          target: figures.target,
          flow: figures.flow,
          reference,
          perRound,
          min,
          median: median(perRound),
          factor: p.factor,
          met: min >= p.factor,
        },
      ];
    }),
  );
}
