// `npm run doctor` as an operator runs it: the entry point as a child process with a broken
// environment. It exits non-zero, prints the ✗ lines with their fixes, reports progress on
// stderr, and never prints the internal token or a password, though it sent the token to the worker.

import { spawn } from "node:child_process"
import { existsSync } from "node:fs"
import { resolve } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { within } from "#tests/fixtures/eventually.ts"
import { STRONG_TOKEN } from "./doctor-lines.ts"
import { startFakeWorker, type FakeWorker } from "./fake-worker.ts"

const WORKER_TOKEN = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9"
const REDIS_PASSWORD = "redis-password-canary-71"
const BUILT = resolve("build/node/doctor.js")
let worker: FakeWorker

beforeAll(async () => {
  worker = await startFakeWorker({ token: WORKER_TOKEN })
})
afterAll(async () => {
  await worker.stop()
})

function runDoctorProcess(
  args: readonly string[],
  extraEnv: Readonly<Record<string, string>> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, {
    // Only what an operator's env file would hold: nothing inherited from the developer's shell.
    env: {
      PATH: process.env["PATH"],
      HOME: process.env["HOME"],
      NODE_ENV: "production",
      INTERNAL_API_TOKEN: STRONG_TOKEN,
      WORKER_URL: worker.url,
      REDIS_URL: `redis://:${REDIS_PASSWORD}@127.0.0.1:9`,
      SECOND_PUBLIC_URL: "http://second.invalid",
      ...extraEnv,
    },
    stdio: ["ignore", "pipe", "pipe"],
  })
  let stdout = ""
  let stderr = ""
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)))
  return within(exited, 30_000, "the doctor to exit", () => stdout + stderr).then((code) => ({ code, stdout, stderr }))
}

function expectBrokenSetupReported(result: { code: number | null; stdout: string; stderr: string }) {
  expect(result.code, result.stdout + result.stderr).toBe(1)
  expect(result.stdout).toContain("✗ INTERNAL_API_TOKEN is the same on web and worker")
  expect(result.stdout).toContain("✗ Redis reachable (REDIS_URL)")
  expect(result.stdout).toMatch(/✗ SECOND_PUBLIC_URL is (your public HTTPS origin|valid)/)
  expect(result.stdout).toContain("fix: ")
  expect(result.stderr).toContain("… waiting on the worker at")
  for (const secret of [STRONG_TOKEN, WORKER_TOKEN, REDIS_PASSWORD]) {
    expect(result.stdout + result.stderr).not.toContain(secret)
  }
  expect(worker.authorizations).toContain(`Bearer ${STRONG_TOKEN}`)
}

describe("the doctor entry point", () => {
  it("scripts/doctor.ts exits 1 on a broken setup and prints no secret", async () => {
    expectBrokenSetupReported(await runDoctorProcess(["--import", "tsx", "scripts/doctor.ts"]))
  })

  it("reports passwords with unencoded @ and / as ✗ lines, never crashing or printing a piece of them", async () => {
    const result = await runDoctorProcess(["--import", "tsx", "scripts/doctor.ts"], {
      MONGODB_URI: "mongodb://admin:Pa/ssw0rdMongo@127.0.0.1:27999/second",
      REDIS_URL: "redis://default:R3dis@Passw0rd@127.0.0.1:6399",
    })
    expect(result.code, result.stdout + result.stderr).toBe(1)
    expect(result.stdout).toContain("✗ MongoDB reachable and a replica set (MONGODB_URI): MONGODB_URI cannot be parsed")
    expect(result.stdout).toContain("✗ Redis reachable (REDIS_URL): redis://127.0.0.1:6399 did not answer")
    expect(result.stderr).toContain("… waiting on Redis at redis://127.0.0.1:6399")
    for (const piece of ["Pa/ssw0rdMongo", "ssw0rdMongo", "R3dis", "Passw0rd"]) expect(result.stdout + result.stderr).not.toContain(piece)
  })

  it.skipIf(!existsSync(BUILT))("the built build/node/doctor.js (npm run doctor) does the same", async () => {
    expectBrokenSetupReported(await runDoctorProcess([BUILT]))
  })
})
