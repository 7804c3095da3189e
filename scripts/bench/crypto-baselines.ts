// The raw cryptographic limits each Sigil figure is compared with, measured on one core in the same run.
import { createSign, generateKeyPairSync, randomBytes, verify } from "node:crypto";
import secp256k1 from "secp256k1";

function perSecond(work: () => void, seconds: number): number {
  const until = performance.now() + seconds * 1000;
  let count = 0;
  const started = performance.now();
  while (performance.now() < until) {
    for (let i = 0; i < 50; i += 1) work();
    count += 50;
  }
  return count / ((performance.now() - started) / 1000);
}

/** Native libsecp256k1 public-key recoveries per second (the EOA login floor). */
export function secp256k1RecoveriesPerSecond(seconds = 2): number {
  let key = randomBytes(32);
  while (!secp256k1.privateKeyVerify(key)) key = randomBytes(32);
  const hash = randomBytes(32);
  const { signature, recid } = secp256k1.ecdsaSign(hash, key);
  return perSecond(() => secp256k1.ecdsaRecover(signature, recid, hash, false), seconds);
}

/** ES256 signature verifications per second with node:crypto (the JWT verification floor). */
export function es256VerificationsPerSecond(seconds = 2): number {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const data = Buffer.from(`${"h".repeat(100)}.${"p".repeat(300)}`);
  const signature = createSign("sha256").update(data).sign({ key: privateKey, dsaEncoding: "ieee-p1363" });
  return perSecond(
    () => verify("sha256", data, { key: publicKey, dsaEncoding: "ieee-p1363" }, signature),
    seconds,
  );
}
