// Checklist preamble: the web's configuration parses and the web would start with it. Each refused
// variable is its own ✗ line naming it (the message never holds a secret value: the parsers say
// "too short (12 characters)", never the value).

import { fail, pass, type CheckLine } from "./check-line.server.ts"
import type { DoctorEnv } from "./doctor-env.server.ts"

export function configChecks(doctorEnv: DoctorEnv): CheckLine[] {
  const { problems } = doctorEnv
  const lines: CheckLine[] = problems.map((problem) =>
    fail(`${problem.variable} is valid`, problem.message, `Set ${problem.variable} as the message says, in the web's environment (and the worker's, where it reads it too).`),
  )
  const item = "The web starts with this configuration"
  if (problems.length === 0) {
    lines.push(pass(item, doctorEnv.production ? "as production (NODE_ENV=production)" : "as development (NODE_ENV is not production)"))
  } else {
    const named = problems.map((problem) => problem.variable).join(", ")
    lines.push(fail(item, `the web would refuse to start: ${named} (see above)`, "Fix the variables above, then run the doctor again."))
  }
  return lines
}
