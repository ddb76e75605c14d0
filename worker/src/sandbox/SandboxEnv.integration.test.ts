// What a shell inside a runtime can find. A stand-in worker holds canary secrets in its own
// environment, and a canary secrets file sits beside the workspaces root (where the embedded
// default keeps secrets.json). The shell searches its environment, every /proc/*/environ it can
// see, and the filesystem. Under bubblewrap it must find nothing; without it, it finds them, which
// is exactly what the startup warning says.

import { spawnSync } from "node:child_process"
import { randomBytes } from "node:crypto"
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import { afterAll, describe, expect, it } from "vitest"
import { loadWorkerConfig, WorkerConfig } from "../config/WorkerConfig.ts"
import type { ProcessSpec } from "../runtime/process/RuntimeProcess.ts"
import { findBubblewrap } from "./bubblewrap.ts"
import { SandboxEnv } from "./SandboxEnv.ts"

const root = mkdtempSync(join("/var/tmp", "second-sandbox-"))
afterAll(() => rmSync(root, { recursive: true, force: true }))

const canary = () => `CANARY-${randomBytes(12).toString("hex")}`
const envCanary = canary()
const fileCanary = canary()
writeFileSync(join(root, "secrets.json"), JSON.stringify({ internalApiToken: fileCanary }), { mode: 0o600 })

// Looks everywhere a shell can: its environment, every process environment /proc shows, and
// every readable file outside the read-only system directories (Debian's packages, which hold no
// secrets of ours), the worker's data directory included.
const SEARCH = [
  "env",
  "for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < \"$f\" 2>/dev/null; done",
  "grep -rIah 'CANARY-' / --exclude-dir=proc --exclude-dir=sys --exclude-dir=usr --exclude-dir=lib --exclude-dir=lib64 --exclude-dir=bin --exclude-dir=sbin 2>/dev/null",
  "cat " + join(root, "secrets.json") + " 2>/dev/null",
  "echo searched",
].join("; ")

// Without bubblewrap the whole machine is visible, so only the two places the secrets are known
// to be are looked at (a full scan would read every file on the disk).
const QUICK_SEARCH = [
  "for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < \"$f\" 2>/dev/null; done",
  "cat " + join(root, "secrets.json") + " 2>/dev/null",
  "echo searched",
].join("; ")

async function sandboxedShell(mode: "auto" | "none", search = SEARCH): Promise<ProcessSpec> {
  const config = loadWorkerConfig({ SECOND_WORKSPACES_DIR: join(root, "workspaces"), SECOND_RUNTIME_SANDBOX: mode })
  const program = Effect.gen(function* () {
    const sandbox = yield* SandboxEnv
    const dirs = yield* sandbox.directories("canary-app", "claude")
    return sandbox.command({ dirs, command: "/bin/sh", args: ["-c", search], variables: {}, installation: [] })
  })
  return Effect.runPromise(program.pipe(Effect.provide(SandboxEnv.layer.pipe(Layer.provide(WorkerConfig.layer(config))))))
}

/** Runs the spec from a stand-in worker whose own environment carries the canary. */
function runFromWorkerWithSecrets(spec: ProcessSpec): string {
  const standIn = `const { spawnSync } = require("node:child_process");
    const spec = JSON.parse(process.argv[1]);
    const result = spawnSync(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, encoding: "utf8", timeout: 60000 });
    process.stdout.write(result.stdout + result.stderr)`
  const result = spawnSync(process.execPath, ["-e", standIn, JSON.stringify(spec)], {
    env: { PATH: process.env["PATH"], INTERNAL_API_TOKEN: envCanary, MONGODB_URI: `mongodb://u:${envCanary}@db/x` } as unknown as NodeJS.ProcessEnv,
    encoding: "utf8",
    timeout: 90_000,
  })
  return result.stdout
}

describe("a runtime's shell", () => {
  it.skipIf(findBubblewrap() === null)("finds no secret of the worker's anywhere inside bubblewrap", async () => {
    const spec = await sandboxedShell("auto")
    expect(spec.command).toMatch(/bwrap$/)
    const output = runFromWorkerWithSecrets(spec)
    expect(output).toContain("searched")
    expect(output).not.toContain(envCanary)
    expect(output).not.toContain(fileCanary)
  }, 120_000)

  it.skipIf(findBubblewrap() === null)("runs a runtime installed under /tmp (a checkout there), whose files stay visible", async () => {
    const installation = mkdtempSync(join(tmpdir(), "second-installation-"))
    try {
      const binary = join(installation, "runtime")
      writeFileSync(binary, "#!/bin/sh\necho runtime-ran\n", { mode: 0o755 })
      const config = loadWorkerConfig({ SECOND_WORKSPACES_DIR: join(root, "workspaces"), SECOND_RUNTIME_SANDBOX: "bubblewrap" })
      const spec = await Effect.runPromise(
        Effect.gen(function* () {
          const sandbox = yield* SandboxEnv
          const dirs = yield* sandbox.directories("tmp-install-app", "claude")
          return sandbox.command({ dirs, command: binary, args: [], variables: {}, installation: [installation] })
        }).pipe(Effect.provide(SandboxEnv.layer.pipe(Layer.provide(WorkerConfig.layer(config))))),
      )
      const result = spawnSync(spec.command, spec.args, { cwd: spec.cwd, env: spec.env as unknown as NodeJS.ProcessEnv, encoding: "utf8" })
      expect(result.stdout.trim(), result.stderr).toBe("runtime-ran")
    } finally {
      rmSync(installation, { recursive: true, force: true })
    }
  })

  it("is given an environment built from an allowlist even without bubblewrap", async () => {
    const spec = await sandboxedShell("none", QUICK_SEARCH)
    expect(spec.command).toBe("/bin/sh")
    expect(Object.keys(spec.env).sort()).toEqual(["HOME", "LANG", "LC_ALL", "NO_COLOR", "PATH", "TERM", "TMPDIR"])
    // Without bubblewrap the worker's own environment and files are within reach, as the
    // startup warning says: this is the leak the sandbox closes.
    mkdirSync(join(root, "workspaces"), { recursive: true })
    const output = runFromWorkerWithSecrets(spec)
    expect(output).toContain(fileCanary)
    expect(output).toContain(envCanary)
  }, 120_000)
})
