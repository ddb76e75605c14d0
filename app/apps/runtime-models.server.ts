// The runtimes and models a person may pick, as the worker reports them, and the check that a
// picked model is one its runtime offers: a model of another runtime (or a typo) is refused
// before anything is written, rather than sent to a CLI that answers with another model or none.

import { RUNTIME_IDS, type RuntimeId } from "#shared/runtime/run-event.ts"
import { runtimeLabel } from "#shared/runtime/runtime-labels.ts"
import { AppError } from "../errors.server.ts"
import type { WebServices } from "../services.server.ts"
import type { WorkerRuntimeReport } from "../worker-client/worker-client.server.ts"

/** What the pickers show while the worker cannot be asked: every runtime, unusable, no models. */
export const UNREACHABLE_RUNTIMES: readonly WorkerRuntimeReport[] = RUNTIME_IDS.map((id) => ({
  id,
  usable: false,
  reason: "The agent worker is unreachable.",
  version: null,
  models: [],
  defaultModel: null,
}))

/** The worker's runtimes, or UNREACHABLE_RUNTIMES when it cannot be asked. */
export async function listRuntimes(services: WebServices): Promise<readonly WorkerRuntimeReport[]> {
  return (await services.worker.runtimes().catch(() => null)) ?? UNREACHABLE_RUNTIMES
}

/** How many of a runtime's models a refusal names as examples. */
const EXAMPLES = 5

/**
 * Refuses (400) a model its runtime does not offer. Null (the runtime's default) always passes;
 * so does any well-formed id when the list is not known (worker unreachable, or it could not
 * list them): the runtime itself then reports a model it does not have, as a failed run.
 */
export async function requireOfferedModel(services: WebServices, runtime: RuntimeId, model: string | null): Promise<void> {
  if (model === null) return
  const report = (await services.worker.runtimes().catch(() => null))?.find((candidate) => candidate.id === runtime)
  if (!report || report.models.length === 0 || report.models.some((offered) => offered.id === model)) return
  const name = runtimeLabel(runtime)
  const examples = report.models.slice(0, EXAMPLES).map((offered) => offered.id)
  throw new AppError(
    "BAD_REQUEST",
    `${name} does not offer the model "${model}" on this worker. Pick one of ${name}'s models (such as ${examples.join(", ")}), or choose the runtime that offers "${model}".`,
  )
}
