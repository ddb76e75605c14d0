// Where a refused form's problems show: each under the field it is about (matched by the input's
// path, "authorizationParams.prompt" under authorizationParams), the control marked aria-invalid
// and described by it; whatever no field of the form owns stays in the notice under the form.

/** One problem of invalid input, as the action passes on the procedure's (caller.server.ts act()). */
export interface FieldProblem {
  readonly path: string
  readonly message: string
}

export interface FieldProblems {
  /** The problem to show under `field`, with the id its control points at. */
  of(field: string): { readonly id: string; readonly message: string } | null
  /** The control's ARIA attributes: invalid and described by its problem, or nothing. */
  attributes(field: string): { "aria-invalid"?: true; "aria-describedby"?: string }
  /** What the notice under the form says ("" for nothing). */
  readonly rest: string
}

export const ALL_MARKED = "Nothing was saved: fix what is marked above."

/** A form's `outcome` (null: none yet) split over `fields`; ids are made from `formId`. */
export function fieldProblems(
  outcome: { readonly ok: boolean; readonly message: string; readonly issues?: readonly FieldProblem[] | null } | null,
  fields: readonly string[],
  formId: string,
): FieldProblems {
  const byField = new Map<string, string[]>()
  const unplaced: string[] = []
  for (const issue of outcome && !outcome.ok ? (outcome.issues ?? []) : []) {
    const field = issue.path.split(".")[0] ?? ""
    if (fields.includes(field)) byField.set(field, [...(byField.get(field) ?? []), issue.message])
    else unplaced.push(issue.message)
  }
  const idOf = (field: string) => `${formId}-${field}-problem`
  const rest = !outcome ? "" : outcome.ok || byField.size === 0 ? outcome.message : unplaced.length > 0 ? unplaced.join("; ") : ALL_MARKED
  return {
    of: (field) => {
      const messages = byField.get(field)
      return messages ? { id: idOf(field), message: messages.join(" ") } : null
    },
    attributes: (field) => (byField.has(field) ? { "aria-invalid": true, "aria-describedby": idOf(field) } : {}),
    rest,
  }
}
