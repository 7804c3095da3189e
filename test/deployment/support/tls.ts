// A self-signed certificate for localhost (openssl, as docs/deployment.md shows for a staging proxy).
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

export interface SelfSignedCertificate {
  certificateFile: string;
  keyFile: string;
  /** The certificate (PEM): the only CA a client of the test trusts. */
  pem: string;
}

/** A P-256 certificate valid one day for `localhost` and 127.0.0.1, written under `dir`. */
export async function selfSignedCertificate(dir: string): Promise<SelfSignedCertificate> {
  const certificateFile = path.join(dir, "tls.crt");
  const keyFile = path.join(dir, "tls.key");
  await promisify(execFile)("openssl", [
    ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"],
    ...["-days", "1", "-subj", "/CN=localhost"],
    ...["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
    ...["-keyout", keyFile, "-out", certificateFile],
  ]);
  return { certificateFile, keyFile, pem: await readFile(certificateFile, "utf8") };
}
