// Shows the outcome of a form submission: the refusal message the server wrote (what to fix), or
// a confirmation, next to the form that was submitted.

interface Outcome {
  readonly ok: boolean
  readonly intent: string
  readonly message?: string
}

export function FormMessage({ outcome, intent, success }: { outcome: Outcome | undefined; intent: string; success?: string }) {
  if (!outcome || outcome.intent !== intent) return null
  if (!outcome.ok) {
    return (
      <p className="form-error" role="alert">
        {outcome.message}
      </p>
    )
  }
  return success ? (
    <p className="form-ok" role="status">
      {success}
    </p>
  ) : null
}
