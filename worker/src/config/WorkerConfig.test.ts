import { describe, expect, it } from "vitest"
import { ConfigError } from "#shared/config/env.ts"
import { resolve } from "node:path"
import { pathToFileURL } from "node:url"
import { defaultAppTemplateDir, loadWorkerConfig } from "./WorkerConfig.ts"

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
})
