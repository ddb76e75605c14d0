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

export function RuntimePicker({ runtimes, defaultValue }: { runtimes: readonly RuntimeOption[]; defaultValue: RuntimeId | undefined }) {
  const unusable = runtimes.filter((runtime) => !runtime.usable)
  return (
    <div className="runtime-picker">
      <label>
        Runtime
        <select name="runtime" defaultValue={defaultValue} data-testid="runtime-picker">
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
export function ModelInput({ defaultValue }: { defaultValue: string | null }) {
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
        placeholder="the runtime's default"
        autoComplete="off"
        data-testid="model-input"
      />
    </label>
  )
}
