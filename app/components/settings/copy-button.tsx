// Copies a text (an invitation link) and says so for a moment, to the eye and to screen readers.

import { Check, Copy } from "lucide-react"
import { useEffect, useState } from "react"
import { Button } from "../ui/button.tsx"

export function CopyButton({ text, label = "Copy" }: { text: string; label?: string }) {
  const [copied, setCopied] = useState(false)
  useEffect(() => {
    if (!copied) return
    const timer = setTimeout(() => setCopied(false), 2000)
    return () => clearTimeout(timer)
  }, [copied])
  return (
    <Button
      variant="outline"
      onClick={() => {
        // NOTE: the clipboard exists only on secure origins (https, localhost); elsewhere the
        // link stays selectable in its field.
        void navigator.clipboard?.writeText(text).then(() => setCopied(true))
      }}
    >
      {copied ? <Check aria-hidden /> : <Copy aria-hidden />}
      <span aria-live="polite">{copied ? "Copied" : label}</span>
    </Button>
  )
}
