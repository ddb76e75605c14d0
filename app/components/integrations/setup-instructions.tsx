// How to get an app's credential, as its builder wrote it (integration-setup.json): the overview
// and each step's text as Markdown (the chat's renderer: raw HTML stays text), step and extra links
// only when they are web addresses, opened in a new tab without the page as opener or referrer.

import { ExternalLink } from "lucide-react"
import { MarkdownText } from "../builder/rich-text.tsx"
import { webUrl, type SetupInstructionsView } from "./integration-views.ts"

function WebLink({ url, children }: { url: string; children: React.ReactNode }) {
  return (
    <a
      href={url}
      target="_blank"
      rel="noopener noreferrer"
      className="inline-flex items-center gap-1 font-medium text-primary underline underline-offset-2 wrap-anywhere"
    >
      {children}
      <ExternalLink className="size-3.5 shrink-0" aria-hidden />
      <span className="sr-only"> (opens in a new tab)</span>
    </a>
  )
}

export function SetupInstructions({ instructions }: { instructions: SetupInstructionsView }) {
  const links = instructions.links.flatMap((link) => {
    const url = webUrl(link.url)
    return url ? [{ label: link.label, url }] : []
  })
  return (
    <div className="grid gap-3 text-sm">
      <MarkdownText text={instructions.overview} />
      {instructions.steps.length > 0 ? (
        <ol className="grid list-decimal gap-3 pl-5">
          {instructions.steps.map((step, index) => {
            const url = webUrl(step.url)
            return (
              <li key={index} className="pl-1">
                <p className="font-medium">{step.title}</p>
                <div className="text-muted-foreground">
                  <MarkdownText text={step.description} />
                </div>
                {url ? <WebLink url={url}>Open</WebLink> : null}
              </li>
            )
          })}
        </ol>
      ) : null}
      {links.length > 0 ? (
        <ul className="flex flex-wrap gap-x-4 gap-y-1" aria-label="Links">
          {links.map((link) => (
            <li key={link.url + link.label}>
              <WebLink url={link.url}>{link.label}</WebLink>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  )
}
