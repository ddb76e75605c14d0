// The server behind the forecast-app end-to-end tests: the fake HTTPS provider serving the weather
// API, the scripted model, and the app's server pointed at both; started before the file's tests
// and stopped after them.

import { afterAll, beforeAll } from "vitest"
import { startFakeHttpsProvider, type FakeHttpsProvider } from "#tests/fixtures/fake-https-provider.ts"
import { FAKE_API_KEY } from "#tests/fixtures/fake-model/cli-env.ts"
import { startFakeModel, type FakeModel } from "#tests/fixtures/fake-model/server.ts"
import { serveForecasts } from "#tests/fixtures/forecast-app.ts"
import { startSecond, type SecondServer } from "#tests/fixtures/second-server.ts"

export interface ForecastServer {
  readonly fake: FakeModel
  readonly provider: FakeHttpsProvider
  readonly server: SecondServer
}

/** Registers the file's beforeAll/afterAll; read the fields inside tests (they are set by then). */
export function useForecastServer(): ForecastServer {
  let fake: FakeModel | undefined
  let provider: FakeHttpsProvider | undefined
  let server: SecondServer | undefined

  beforeAll(async () => {
    provider = await startFakeHttpsProvider()
    serveForecasts(provider)
    fake = await startFakeModel()
    server = await startSecond({ ANTHROPIC_BASE_URL: fake.url, ANTHROPIC_API_KEY: FAKE_API_KEY, ...provider.env() })
  }, 90_000)

  afterAll(async () => {
    await server?.stop()
    await fake?.stop()
    await provider?.close()
  })

  const started = <T>(value: T | undefined, name: string): T => {
    if (value === undefined) throw new Error(`the forecast server's ${name} is not started (read it inside a test)`)
    return value
  }
  return {
    get fake() { return started(fake, "fake model") },
    get provider() { return started(provider, "fake provider") },
    get server() { return started(server, "server") },
  }
}
