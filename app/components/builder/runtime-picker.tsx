// The runtime choice in both composers: every runtime the worker reports, the unusable ones
// disabled with the reason listed beside the picker, so a person sees why one cannot be picked.

import type { RuntimeId } from "#shared/runtime/run-event.ts"

export interface RuntimeOption {
  readonly id: RuntimeId
  readonly usable: boolean
  readonly reason: string | null
  readonly version: string | null
}

const RUNTIME_LABELS: Readonly<Record<RuntimeId, string>> = { claude: "Claude Code", codex: "Codex", opencode: "OpenCode" }

export const runtimeLabel = (id: RuntimeId) => RUNTIME_LABELS[id] ?? id

/** The preferred runtime when it is usable, else the first usable one, else the preferred one. */
export function defaultRuntime(runtimes: readonly RuntimeOption[], preferred: RuntimeId | null): RuntimeId | undefined {
  const usable = runtimes.filter((runtime) => runtime.usable)
  if (preferred && usable.some((runtime) => runtime.id === preferred)) return preferred
  return usable[0]?.id ?? preferred ?? runtimes[0]?.id
}

/** What the empty model field means, and what a model is called, for each runtime. */
export const MODEL_HINTS: Readonly<Record<RuntimeId, string>> = {
  claude: "Claude Code's default, or e.g. claude-sonnet-4-5",
  codex: "Codex's default, or e.g. gpt-5.5",
  opencode: "OpenCode's default, or provider/model, e.g. openai/gpt-5.5",
}

/**
 * A model belongs to its runtime: when the runtime changes, the model field is emptied (the new
 * runtime's default) rather than sending one runtime's model to another.
 */
function forgetModel(select: HTMLSelectElement) {
  const model = select.form?.elements.namedItem("model")
  if (!(model instanceof HTMLInputElement)) return
  model.value = ""
  model.placeholder = MODEL_HINTS[select.value as RuntimeId] ?? ""
}

export function RuntimePicker({ runtimes, defaultValue }: { runtimes: readonly RuntimeOption[]; defaultValue: RuntimeId | undefined }) {
  const unusable = runtimes.filter((runtime) => !runtime.usable)
  return (
    <div className="runtime-picker">
      <label>
        Runtime
        <select name="runtime" defaultValue={defaultValue} data-testid="runtime-picker" onChange={(event) => forgetModel(event.currentTarget)}>
          {runtimes.map((runtime) => (
            <option key={runtime.id} value={runtime.id} disabled={!runtime.usable}>
              {runtimeLabel(runtime.id)}
              {runtime.usable ? "" : " (unavailable)"}
            </option>
          ))}
        </select>
      </label>
      {unusable.length > 0 ? (
        <ul className="runtime-reasons">
          {unusable.map((runtime) => (
            <li key={runtime.id} data-testid="runtime-unavailable" data-runtime={runtime.id}>
              {runtimeLabel(runtime.id)}: {runtime.reason ?? "unavailable."}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}

/** The model field: empty means the runtime's own default. */
export function ModelInput({ defaultValue, runtime }: { defaultValue: string | null; runtime: RuntimeId | undefined }) {
  return (
    <label>
      {/* One grid cell: the label's text and its hint stay on one line. */}
      <span>
        Model <span className="muted">(optional)</span>
      </span>
      <input
        name="model"
        defaultValue={defaultValue ?? ""}
        maxLength={200}
        placeholder={runtime ? MODEL_HINTS[runtime] : "the runtime's default"}
        autoComplete="off"
        data-testid="model-input"
      />
    </label>
  )
}
