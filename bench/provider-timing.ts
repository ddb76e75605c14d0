// The tool-call benchmarks' baseline: a bare node:https request straight to the fake provider's
// address (no checks, no templates, a fresh TLS connection each as the egress executor opens, the
// body read and parsed). The measuring and printing are in ./timing.ts.

import { request, type RequestOptions } from "node:https"
import { createSecureContext, type ConnectionOptions, type SecureContext } from "node:tls"
import { PROVIDER_HOST, type FakeHttpsProvider } from "#tests/fixtures/fake-https-provider.ts"

/** A GET of `path` on the provider, as bare as node:https allows; resolves with the parsed JSON body. */
export function directProviderRequest(provider: FakeHttpsProvider, path: string, headers: Readonly<Record<string, string>> = {}): () => Promise<unknown> {
  let context: SecureContext | undefined
  return () =>
    new Promise<unknown>((resolve, reject) => {
      // One context for the run (the CA parsed once): each request still makes its own connection.
      context ??= createSecureContext({ ca: provider.caPem })
      const options: RequestOptions & Pick<ConnectionOptions, "secureContext"> = {
        host: "127.0.0.1",
        port: provider.port,
        servername: PROVIDER_HOST,
        path,
        // The Host the egress executor sends: node adds the port, since the pinned connection is not to 443.
        headers: { host: `${PROVIDER_HOST}:${provider.port}`, accept: "application/json", "accept-encoding": "identity", ...headers },
        agent: false,
        secureContext: context,
      }
      const outgoing = request(options, (incoming) => {
        const chunks: Buffer[] = []
        incoming.on("data", (chunk: Buffer) => chunks.push(chunk))
        incoming.on("end", () => {
          if (incoming.statusCode !== 200) return reject(new Error(`the provider answered ${incoming.statusCode} to ${path}`))
          resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")))
        })
        incoming.on("error", reject)
      })
      outgoing.on("error", reject)
      outgoing.end()
    })
}
