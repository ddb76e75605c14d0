// `npm run doctor`: checks this deployment against the production checklist and prints each line
// as ✓ or ✗ with the fix. Run it where the web runs, with the web's environment (the same env
// file): it reads the configuration exactly as the web does, and reaches the OIDC issuer, MongoDB,
// Redis, the worker and the public URL from there, each call bounded by a few seconds. Progress
// ("… waiting on Redis at redis://redis:6379") goes to stderr, the report to stdout. It never
// prints a secret. Exit status: 0 when no line failed, 1 when one did, 2 if the doctor itself broke.

import { formatReport, progressPrinter } from "#app/doctor/print-report.server.ts"
import { hasFailures, runDoctor } from "#app/doctor/run-doctor.server.ts"

try {
  const report = await runDoctor(process.env, { onProgress: progressPrinter((text) => process.stderr.write(text)) })
  process.stdout.write(`${formatReport(report)}\n`)
  process.exitCode = hasFailures(report) ? 1 : 0
} catch (error) {
  // A bug in the doctor itself: say where, never the environment.
  process.stderr.write(`The doctor failed before finishing: ${error instanceof Error ? error.name : "unknown error"}\n`)
  process.exitCode = 2
}
