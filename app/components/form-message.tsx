// Shows the outcome of a form submission next to the form that was submitted: the refusal message
// the server wrote (what to fix), or a confirmation.

import { Notice } from "./ui/notice.tsx"

interface Outcome {
  readonly ok: boolean
  readonly intent: string
  readonly message?: string
}

export function FormMessage({ outcome, intent, success }: { outcome: Outcome | undefined; intent: string; success?: string }) {
  if (!outcome || outcome.intent !== intent) return null
  if (!outcome.ok) return <Notice tone="error">{outcome.message}</Notice>
  return success ? <Notice tone="success">{success}</Notice> : null
}
