// How many review requests wait, beside Reviews in the workspace's sections (for the people who
// decide them): a number to the eye, a sentence to a screen reader.

export function ReviewCount({ count }: { count: number }) {
  return (
    <span className="ml-1.5 inline-flex min-w-5 items-center justify-center rounded-full bg-warning/15 px-1.5 text-xs font-semibold text-warning" data-testid="pending-reviews-count">
      {count}
      <span className="sr-only"> waiting</span>
    </span>
  )
}
