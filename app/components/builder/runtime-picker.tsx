// The runtime and model choice in both composers: every runtime the worker reports (the unusable
// ones disabled, with the reason listed under the picker, so a person sees why one cannot be
// picked), and the models the chosen runtime offers, its default first. A model belongs to its
// runtime: choosing another runtime picks that runtime's default, never carries the model over.
// Both are native selects: accessible everywhere, and the phone's own picker opens.

import { useState } from "react"
import type { RuntimeId } from "#shared/runtime/run-event.ts"
import { runtimeLabel } from "#shared/runtime/runtime-labels.ts"
import { Field } from "../ui/label.tsx"
import { cn } from "../ui/cn.ts"
import { Select } from "../ui/input.tsx"

export { runtimeLabel }

export interface RuntimeOption {
  readonly id: RuntimeId
  readonly usable: boolean
  readonly reason: string | null
  readonly version: string | null
  /** What the runtime offers; empty when the worker could not find out. */
  readonly models: readonly { readonly id: string; readonly label: string }[]
  /** Used when none is picked; null: the CLI's own choice. */
  readonly defaultModel: string | null
}

/** The preferred runtime when it is usable, else the first usable one, else the preferred one. */
export function defaultRuntime(runtimes: readonly RuntimeOption[], preferred: RuntimeId | null): RuntimeId | undefined {
  const usable = runtimes.filter((runtime) => runtime.usable)
  if (preferred && usable.some((runtime) => runtime.id === preferred)) return preferred
  return usable[0]?.id ?? preferred ?? runtimes[0]?.id
}

/** One entry of the model select; "" is the runtime's own default (the form sends no model). */
export interface ModelChoice {
  readonly value: string
  readonly label: string
}

const offers = (runtime: RuntimeOption | undefined, model: string) => runtime?.models.some((offered) => offered.id === model) ?? false

/**
 * The model shown selected for a runtime: `preferred` (the app's last model) when the runtime
 * offers it, or when its list is unknown; otherwise the runtime's default.
 */
export function modelFor(runtime: RuntimeOption | undefined, preferred: string | null): string {
  if (preferred && (offers(runtime, preferred) || (runtime?.models.length ?? 0) === 0)) return preferred
  return runtime?.defaultModel ?? ""
}

/** The runtime's models, its default first and marked "(default)"; `selected` is kept even when unlisted. */
export function modelChoices(runtime: RuntimeOption | undefined, selected: string): ModelChoice[] {
  const name = runtime ? runtimeLabel(runtime.id) : "The runtime"
  const fallback = runtime?.defaultModel ?? null
  const defaultChoice: ModelChoice =
    fallback === null
      ? { value: "", label: `${name}'s default` }
      : { value: fallback, label: `${runtime?.models.find((model) => model.id === fallback)?.label ?? fallback} (default)` }
  const others = (runtime?.models ?? []).filter((model) => model.id !== fallback).map((model) => ({ value: model.id, label: model.label }))
  const choices = [defaultChoice, ...others]
  // Only an unknown list lets an unlisted model be selected (see modelFor): show it as it is.
  return selected === "" || choices.some((choice) => choice.value === selected) ? choices : [...choices, { value: selected, label: selected }]
}

export interface RuntimePickerProps {
  readonly runtimes: readonly RuntimeOption[]
  /** Selected at first: the app's last runtime, or the suggested one for a new app. */
  readonly runtime: RuntimeId | undefined
  /** The app's last model (null: its runtime's default). */
  readonly model: string | null
  /** Placement in the surrounding form's layout (e.g. a column span). */
  readonly className?: string
}

export function RuntimePicker({ runtimes, runtime, model, className }: RuntimePickerProps) {
  const find = (id: RuntimeId | undefined) => runtimes.find((candidate) => candidate.id === id)
  const [chosen, setChosen] = useState(runtime)
  const [picked, setPicked] = useState(() => modelFor(find(runtime), model))
  const unusable = runtimes.filter((candidate) => !candidate.usable)
  return (
    <div className={cn("grid min-w-0 gap-4 sm:grid-cols-2", className)} data-testid="runtime-model-picker">
      <Field label="Runtime">
        <Select
          name="runtime"
          value={chosen ?? ""}
          data-testid="runtime-picker"
          onChange={(event) => {
            const next = runtimes.find((candidate) => candidate.id === event.currentTarget.value)
            setChosen(next?.id)
            setPicked(modelFor(next, null))
          }}
        >
          {runtimes.map((candidate) => (
            <option key={candidate.id} value={candidate.id} disabled={!candidate.usable}>
              {runtimeLabel(candidate.id)}
              {candidate.usable ? "" : " (unavailable)"}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Model">
        <Select name="model" value={picked} data-testid="model-input" onChange={(event) => setPicked(event.currentTarget.value)}>
          {modelChoices(find(chosen), picked).map((choice) => (
            <option key={choice.value} value={choice.value}>
              {choice.label}
            </option>
          ))}
        </Select>
      </Field>
      {unusable.length > 0 ? (
        <ul className="col-span-full grid gap-1 text-xs text-muted-foreground">
          {unusable.map((candidate) => (
            <li key={candidate.id} data-testid="runtime-unavailable" data-runtime={candidate.id}>
              {runtimeLabel(candidate.id)}: {candidate.reason ?? "unavailable."}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}
