// What a name may hold: workspaces, teams, apps and people are shown to colleagues by name, so a
// name is text a person can read and compare, in one canonical form. NUL and other control
// characters, text-direction overrides (which reorder what is shown: "‮txt.exe" reads as
// "exe.txt"), invisible formatting characters and broken UTF-16 are refused; everything else
// (any script, emoji with their joiners and tags) is kept, NFC-normalised and trimmed.

/** Format characters a name may keep: zero-width (non-)joiners shape scripts and emoji; tags spell flag emoji. */
const ALLOWED_FORMAT = /[\u200c\u200d]|[\u{e0020}-\u{e007f}]/u
const UNSHOWABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu
/** Half of a surrogate pair without the other half: not a character at all. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/
const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, "g")

/** The first character a name may not hold, as "U+202E", or null when there is none. */
export function unshowableCharacter(value: string): string | null {
  if (LONE_SURROGATE.test(value)) return "a lone UTF-16 surrogate"
  for (const [character] of value.matchAll(UNSHOWABLE)) {
    if (!ALLOWED_FORMAT.test(character)) return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`
  }
  return null
}

/** How a typed name is stored: NFC, trimmed. (Refuse it first if unshowableCharacter finds something.) */
export const canonicalName = (value: string) => value.normalize("NFC").trim()

/**
 * A name made from text nobody typed as a name (a prompt's first words, an identity provider's
 * display name): what cannot be shown is dropped instead of refused, whitespace is collapsed.
 */
export function cleanName(value: string, maxLength: number): string {
  const kept = value
    .replace(LONE_SURROGATES, "")
    .replace(UNSHOWABLE, (character: string) => (ALLOWED_FORMAT.test(character) ? character : /\s/.test(character) ? " " : ""))
  return [...canonicalName(kept.replace(/\s+/g, " "))].slice(0, maxLength).join("").trim()
}
