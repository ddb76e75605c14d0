import { describe, expect, it } from "vitest"
import { ConfigError } from "#shared/config/env.ts"
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { hostname } from "node:os"
import { defaultAppTemplateDir, derivedWorkerUrl, loadWorkerConfig, workerNameFrom } from "./WorkerConfig.ts"

const token = "fedcba9876543210fedcba9876543210"

describe("worker configuration", () => {
  it("runs locally with no configuration at all", () => {
    const config = loadWorkerConfig({})
    expect(config).toMatchObject({
      production: false,
      host: "127.0.0.1",
      port: 3001,
      codexAppServerWarm: true,
      allowCodexLocalAuth: false,
      claudeSubprocessEnvScrub: true,
      runtimePaths: {},
    })
    expect(config.toolExecuteUrl.href).toBe("http://127.0.0.1:3000/api/internal/tool-execute")
  })

  it("derives the web's base URL from TOOL_EXECUTE_URL, and the other way round", () => {
    const fromTool = loadWorkerConfig({ TOOL_EXECUTE_URL: "http://web:3000/api/internal/tool-execute" })
    expect(fromTool.webUrl.href).toBe("http://web:3000/")
    const fromWeb = loadWorkerConfig({ WEB_URL: "http://web:3000" })
    expect(fromWeb.toolExecuteUrl.href).toBe("http://web:3000/api/internal/tool-execute")
  })

  it("refuses to start in production without the internal token or a way to reach the web", () => {
    expect(() => loadWorkerConfig({ NODE_ENV: "production", WEB_URL: "http://web:3000" })).toThrow(
      "Invalid configuration: INTERNAL_API_TOKEN is required in production. Example: INTERNAL_API_TOKEN=$(openssl rand -hex 32)",
    )
    expect(() => loadWorkerConfig({ NODE_ENV: "production", INTERNAL_API_TOKEN: token })).toThrow(
      /^Invalid configuration: TOOL_EXECUTE_URL is required in production \(or set WEB_URL\)\. Example: /,
    )
  })

  it("never keeps a warm Codex app-server in production", () => {
    const env = { NODE_ENV: "production", INTERNAL_API_TOKEN: token, WEB_URL: "http://web:3000" }
    expect(loadWorkerConfig(env).codexAppServerWarm).toBe(false)
    expect(loadWorkerConfig({ SECOND_CODEX_APP_SERVER_WARM: "0" }).codexAppServerWarm).toBe(false)
  })

  it("keeps Claude's subprocess env scrub on unless it is explicitly turned off", () => {
    expect(loadWorkerConfig({ CLAUDE_CODE_SUBPROCESS_ENV_SCRUB: "1" }).claudeSubprocessEnvScrub).toBe(true)
    expect(loadWorkerConfig({ CLAUDE_CODE_SUBPROCESS_ENV_SCRUB: "0" }).claudeSubprocessEnvScrub).toBe(false)
  })

  it("refuses relative runtime paths and bad switches in one line", () => {
    expect(() => loadWorkerConfig({ SECOND_CODEX_PATH: "bin/codex" })).toThrow(
      'Invalid configuration: SECOND_CODEX_PATH must be an absolute path (got "bin/codex"). Example: SECOND_CODEX_PATH=/usr/local/bin/codex',
    )
    expect(() => loadWorkerConfig({ SECOND_ALLOW_CODEX_LOCAL_AUTH: "sure" })).toThrow(ConfigError)
  })

  it("finds the checkout's app template from source and from the bundle, and builds for two minutes by default", () => {
    const template = resolve("templates/react-app")
    expect(loadWorkerConfig({})).toMatchObject({ appTemplateDir: template, buildTimeoutMs: 120_000 })
    expect(defaultAppTemplateDir(pathToFileURL(resolve("build/node/worker.js")).href)).toBe(template)
    expect(loadWorkerConfig({ SECOND_APP_TEMPLATE_DIR: "elsewhere/app", SECOND_BUILD_TIMEOUT_MS: "5000" })).toMatchObject({
      appTemplateDir: resolve("elsewhere/app"),
      buildTimeoutMs: 5_000,
    })
  })

  it("holds provider keys as redacted values", () => {
    const config = loadWorkerConfig({ ANTHROPIC_API_KEY: "sk-ant-canary", OPENAI_API_KEY: "sk-openai-canary" })
    expect(config.providerKeys.anthropic?.reveal()).toBe("sk-ant-canary")
    const printed = `${JSON.stringify(config)} ${String(config.providerKeys.openai)}`
    expect(printed).not.toContain("canary")
  })

  it("announces itself at HOST:PORT by default, the machine's hostname standing for a wildcard address", () => {
    expect(loadWorkerConfig({}).workerUrl.href).toBe("http://127.0.0.1:3001/")
    expect(loadWorkerConfig({ HOST: "10.0.3.7", PORT: "4001" }).workerUrl.href).toBe("http://10.0.3.7:4001/")
    expect(loadWorkerConfig({ HOST: "0.0.0.0" }).workerUrl.href).toBe(`http://${hostname().toLowerCase()}:3001/`)
    expect(derivedWorkerUrl("::", 3001, "worker-0")).toEqual(new URL("http://worker-0:3001"))
    expect(derivedWorkerUrl("::1", 3001).href).toBe("http://[::1]:3001/")
    // PORT=0 keeps port 0, which the registry replaces with the port the server bound.
    expect(loadWorkerConfig({ PORT: "0" }).workerUrl.port).toBe("0")
    expect(loadWorkerConfig({ SECOND_WORKER_URL: "https://worker-a.internal:8443" }).workerUrl.origin).toBe("https://worker-a.internal:8443")
  })

  it("refuses a worker URL that is not an http(s) origin, in one line", () => {
    expect(() => loadWorkerConfig({ SECOND_WORKER_URL: "worker:3001" })).toThrow(
      'Invalid configuration: SECOND_WORKER_URL must start with http:// or https:// (got "worker:3001"). Example: SECOND_WORKER_URL=http://10.0.3.7:3001',
    )
    expect(() => loadWorkerConfig({ SECOND_WORKER_URL: "http://worker:3001/sessions" })).toThrow(
      /^Invalid configuration: SECOND_WORKER_URL must be an origin without a path, query or fragment \(got "http:\/\/worker:3001\/sessions"\)\./,
    )
    expect(() => loadWorkerConfig({ SECOND_WORKER_URL: "http://user:pw@worker:3001" })).toThrow(
      "Invalid configuration: SECOND_WORKER_URL must not carry credentials. Example: SECOND_WORKER_URL=http://10.0.3.7:3001",
    )
  })

  it("refuses a worker URL at an unspecified address (where a server listens, not where webs reach it), in one line", () => {
    for (const [value, shown] of [
      ["http://0.0.0.0:3001", "0.0.0.0"],
      ["http://0:3001", "0.0.0.0"],
      ["http://[::]:3001", "[::]"],
      ["http://[0:0:0:0:0:0:0:0]:3001", "[::]"],
    ]) {
      expect(() => loadWorkerConfig({ SECOND_WORKER_URL: value })).toThrow(
        `Invalid configuration: SECOND_WORKER_URL must be an address the webs can reach, not ${shown} (which only means "every interface" to a server; set HOST for that). Example: SECOND_WORKER_URL=http://10.0.3.7:3001`,
      )
    }
    expect(loadWorkerConfig({ SECOND_WORKER_URL: "http://[::1]:3001" }).workerUrl.origin).toBe("http://[::1]:3001")
  })

  it("refuses a REDIS_URL that is not redis:// or rediss://, in one line that never echoes it", () => {
    for (const value of ["http://redis:6379", "redis//redis:6379", "redis:///6379", "rediss//:secret-pw@redis:6379"]) {
      let message = ""
      try {
        loadWorkerConfig({ REDIS_URL: value })
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError)
        message = (error as Error).message
      }
      expect(message).toBe("Invalid configuration: REDIS_URL must start with redis:// or rediss://. Example: REDIS_URL=redis://redis:6379")
    }
    expect(loadWorkerConfig({ REDIS_URL: "redis://redis:6379" }).redisUrl?.reveal()).toBe("redis://redis:6379")
    expect(loadWorkerConfig({ REDIS_URL: "rediss://:pw@redis.internal:6380/2" }).redisUrl?.reveal()).toBe("rediss://:pw@redis.internal:6380/2")
  })

  it("names the worker after its host unless told, as a short slug", () => {
    expect(loadWorkerConfig({}).workerName).toBe(workerNameFrom(hostname()))
    expect(workerNameFrom("Worker_7.example.com")).toBe("worker-7")
    expect(workerNameFrom("---")).toBe("worker")
    expect(loadWorkerConfig({ SECOND_WORKER_NAME: "worker-a" }).workerName).toBe("worker-a")
    expect(() => loadWorkerConfig({ SECOND_WORKER_NAME: "Worker A" })).toThrow(
      `Invalid configuration: SECOND_WORKER_NAME must be 1–63 lowercase letters, digits or '-', starting and ending with a letter or digit (got "Worker A"). Example: SECOND_WORKER_NAME=worker-a`,
    )
    expect(() => loadWorkerConfig({ SECOND_WORKER_NAME: "x".repeat(64) })).toThrow(ConfigError)
  })

  it("runs 8 turns at once and drains for two minutes by default; both can be set, within bounds", () => {
    expect(loadWorkerConfig({})).toMatchObject({ workerConcurrency: 8, drainMs: 120_000 })
    expect(loadWorkerConfig({ SECOND_WORKER_CONCURRENCY: "1", SECOND_WORKER_DRAIN_SECONDS: "0" })).toMatchObject({ workerConcurrency: 1, drainMs: 0 })
    expect(() => loadWorkerConfig({ SECOND_WORKER_CONCURRENCY: "0" })).toThrow(
      'Invalid configuration: SECOND_WORKER_CONCURRENCY must be a whole number from 1 to 10000 (got "0"). Example: SECOND_WORKER_CONCURRENCY=8',
    )
    expect(() => loadWorkerConfig({ SECOND_WORKER_DRAIN_SECONDS: "-1" })).toThrow(
      'Invalid configuration: SECOND_WORKER_DRAIN_SECONDS must be a whole number from 0 to 86400 (got "-1"). Example: SECOND_WORKER_DRAIN_SECONDS=120',
    )
  })
})
