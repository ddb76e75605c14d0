// Beside Reviews in the workspace's sections, what asks for the viewer's attention: for the people
// who decide them, the requests waiting; for a member, their requests sent back with changes to make.
// A number to the eye, a sentence to a screen reader.

export function ReviewCount({ count, kind = "waiting" }: { count: number; kind?: "waiting" | "changes" }) {
  const tone = kind === "waiting" ? "bg-warning/15 text-warning" : "bg-destructive/15 text-destructive"
  return (
    <span className={`ml-1.5 inline-flex min-w-5 items-center justify-center rounded-full px-1.5 text-xs font-semibold ${tone}`} data-testid="pending-reviews-count" data-kind={kind}>
      {count}
      <span className="sr-only">{kind === "waiting" ? " waiting" : " sent back for changes"}</span>
    </span>
  )
}
