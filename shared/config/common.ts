// Variables both processes read, with identical meaning and validation on each side.

import { oneOf, port as portVar, secret, text } from "./env.ts"

export const nodeEnv = oneOf("NODE_ENV", ["development", "production", "test"], {
  describe: "production turns on the strict checks (HTTPS public URL, internal token, no generated secrets)",
  example: "production",
})

export const MIN_INTERNAL_TOKEN_LENGTH = 32

export const internalApiToken = secret("INTERNAL_API_TOKEN", {
  describe: "shared secret between web and worker (same value on both, at least 32 characters)",
  example: "$(openssl rand -hex 32)",
  minLength: MIN_INTERNAL_TOKEN_LENGTH,
})

export const port = portVar("PORT", {
  describe: "port to listen on (web default 3000, worker default 3001)",
  example: "3000",
})

export const host = text("HOST", {
  describe: "interface to listen on; 127.0.0.1 by default, 0.0.0.0 inside a container",
  example: "0.0.0.0",
})

export const LOOPBACK_HOSTS = ["127.0.0.1", "::1", "localhost"] as const

export const isLoopbackHost = (value: string) => (LOOPBACK_HOSTS as readonly string[]).includes(value)
