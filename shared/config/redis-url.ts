// REDIS_URL as both processes check it. A URL of another scheme (http://…) or a typo (redis//…)
// would otherwise be taken as is: the web would fail on first use, and the worker would stay up
// and ready while it can never register or write a run stream.

import { requireThat, type VarSpec } from "./env.ts"
import type { Secret } from "./secret.ts"

/** redis:// or rediss:// followed by a host. */
export const REDIS_URL_PATTERN = /^rediss?:\/\/[^/]/

/** Throws the one-line ConfigError ("REDIS_URL must start with redis:// or rediss://. Example: …"); never echoes the value. */
export function checkRedisUrl(value: Secret, variable: VarSpec<unknown>): void {
  requireThat(REDIS_URL_PATTERN.test(value.reveal()), variable, "must start with redis:// or rediss://")
}
