// Checklist preamble: the web's configuration parses and the web would start with it. Each refused
// variable is its own ✗ line naming it (the message never holds a secret value: the parsers say
// "too short (12 characters)", never the value).

import { fail, pass, type CheckLine } from "./check-line.server.ts"
import type { DoctorEnv } from "./doctor-env.server.ts"

export function configChecks(doctorEnv: DoctorEnv): CheckLine[] {
  const { problems } = doctorEnv
  const lines: CheckLine[] = problems.map((problem) =>
    fail(`${problem.variable} is valid`, problem.message, `Correct ${problem.variable} in the web's environment (the example shows the shape).`),
  )
  const item = "The web starts with this configuration"
  if (problems.length === 0) {
    lines.push(pass(item, `NODE_ENV=${doctorEnv.env["NODE_ENV"]?.trim() || "(unset)"}`))
  } else {
    const named = problems.map((problem) => problem.variable).join(", ")
    lines.push(fail(item, `the web would refuse to start: ${named} (see above)`, "Fix the variables above, then run the doctor again."))
  }
  return lines
}
