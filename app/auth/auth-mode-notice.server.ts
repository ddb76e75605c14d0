// What operators are told at startup about how people sign in, so nobody runs the unauthenticated
// mode on a network by accident.

import { isLoopbackHost } from "#shared/config/common.ts"
import type { WebConfig } from "../config/config.server.ts"

export function authModeNotice(config: WebConfig): { level: "info" | "warn"; message: string } {
  if (config.authMode === "external") {
    return { level: "info", message: `Sign-in: OpenID Connect with ${config.oidc?.issuer.origin ?? "?"}.` }
  }
  if (isLoopbackHost(config.host)) {
    return {
      level: "info",
      message: "Sign-in: auth mode none (name and email, no password). Listening on loopback only, so only this machine can reach it.",
    }
  }
  return {
    level: "warn",
    message: `Auth mode none on ${config.host}: anyone who can reach this server can sign in as anyone (SECOND_ALLOW_NONE_AUTH_ON_NETWORK=1).`,
  }
}
