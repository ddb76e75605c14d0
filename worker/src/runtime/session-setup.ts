// What every runtime session needs from the worker whatever it is for (a builder's app session or
// an app agent's run): where runtimes reach the broker, and the sandboxed start, provider
// credentials and switches of its runtime. The caller adds what its purpose decides: the
// directories' key, the prompt, the MCP servers and the token.

import { Option, Redacted } from "effect"
import type { SocketAddress } from "effect/net/NetAddress"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import type { WorkerSettings } from "../config/WorkerConfig.ts"
import type { AppDirectories } from "../sandbox/app-directories.ts"
import type { SandboxEnv } from "../sandbox/SandboxEnv.ts"
import { revealAll, type OpencodeProvider, type SecretStore } from "../secrets/SecretStore.ts"
import type { SessionSetup } from "./adapters/runtime-adapter.ts"
import type { RuntimeDetection } from "./detection.ts"
import { spawnProcess } from "./process/RuntimeProcess.ts"

/** Runtimes run on this machine: they reach the broker on loopback unless the worker listens elsewhere only. */
export function brokerOrigin(host: string, address: SocketAddress): string {
  const port = address._tag === "UnixPathAddress" ? 0 : address.port
  const brokerHost = ["0.0.0.0", "::", "", "localhost"].includes(host) ? "127.0.0.1" : host
  return `http://${brokerHost.includes(":") ? `[${brokerHost}]` : brokerHost}:${port}`
}

export interface RuntimeSetupInput {
  readonly runtime: RuntimeId
  readonly model: string | null
  readonly detection: RuntimeDetection
  readonly dirs: AppDirectories
}

/** The runtime's part of a SessionSetup: its sandboxed start, its provider's credentials, the worker's switches. */
export function runtimeSetup(
  services: { readonly config: WorkerSettings; readonly sandbox: SandboxEnv["Service"]; readonly secrets: SecretStore["Service"] },
  { runtime, model, detection, dirs }: RuntimeSetupInput,
): Pick<
  SessionSetup,
  "dirs" | "detection" | "start" | "providerVariables" | "codexLoginKey" | "providerEndpoints" | "claudeSubprocessEnvScrub" | "codexSandbox"
> {
  const { config, sandbox, secrets } = services
  const opencodeProvider = (model?.split("/")[0] ?? "openai") as OpencodeProvider
  return {
    dirs,
    detection,
    start: ({ args, variables }) => spawnProcess(sandbox.command({ dirs, command: detection.binary!, args, variables, installation: detection.installation })),
    providerVariables: revealAll(secrets.environmentFor(runtime, opencodeProvider)),
    codexLoginKey: Option.getOrNull(Option.map(secrets.codexLoginKey, Redacted.value)),
    providerEndpoints: config.providerEndpoints,
    claudeSubprocessEnvScrub: config.claudeSubprocessEnvScrub,
    codexSandbox: config.codexSandbox,
  }
}
