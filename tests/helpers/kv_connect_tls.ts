/**
 * A certificate for the KV Connect test server's https: a throwaway CA and a
 * leaf for 127.0.0.1 signed by it, made with `openssl` (Debian's), so that a
 * client trusts the server through `DENO_CERT=<ca file>` as it would trust a
 * `denokv` behind a private CA.
 */

/** The server's certificate and key (PEM), and the file of the CA that signed it. */
export interface TestTls {
  cert: string;
  key: string;
  caFile: string;
}

/** Whether `openssl` can be run here. */
export function hasOpenssl(): boolean {
  try {
    return new Deno.Command("openssl", { args: ["version"] }).outputSync()
      .success;
  } catch {
    return false;
  }
}

async function openssl(dir: string, args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", {
    args,
    cwd: dir,
    stdout: "null",
    stderr: "piped",
  })
    .output();
  if (!out.success) {
    throw new Error(
      `openssl ${args[0]}: ${new TextDecoder().decode(out.stderr)}`,
    );
  }
}

/** Makes the CA and the leaf in `dir` (a temporary directory the caller removes). */
export async function makeTestTls(dir: string): Promise<TestTls> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  await openssl(dir, [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "1",
    "-subj",
    "/CN=hearth-test-ca",
  ]);
  await openssl(dir, [
    "req",
    ...ec,
    "-keyout",
    "leaf.key",
    "-out",
    "leaf.csr",
    "-subj",
    "/CN=127.0.0.1",
  ]);
  // A leaf, not a CA: Deno's TLS refuses a CA certificate as a server's.
  await Deno.writeTextFile(
    `${dir}/leaf.ext`,
    "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
  );
  await openssl(dir, [
    "x509",
    "-req",
    "-in",
    "leaf.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "leaf.pem",
    "-days",
    "1",
    "-extfile",
    "leaf.ext",
  ]);
  return {
    cert: await Deno.readTextFile(`${dir}/leaf.pem`),
    key: await Deno.readTextFile(`${dir}/leaf.key`),
    caFile: `${dir}/ca.pem`,
  };
}
