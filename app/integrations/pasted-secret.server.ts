// How a secret an admin pasted is stored: exactly as pasted, except for line breaks at its very
// end. Copying from a console, a terminal or a file very often brings a trailing newline that is
// never part of an API key or client secret, and kept it would be sent in a header or a form body
// and refused by the provider (or by Node, for a header). A multi-line value (a PEM key) keeps its
// inner lines; its last line break, which PEM does not need, goes too. Spaces and tabs are kept
// anywhere: nothing says they cannot be part of a secret. A value of whitespace only is no secret
// at all: refused, so a stray space never replaces a working value.

/** The value to store: trailing CR/LF removed, everything else as pasted. */
export const pastedSecretValue = (value: string) => value.replace(/[\r\n]+$/, "")

/** True when the paste holds nothing but whitespace (and is not empty: "" means "nothing entered"). */
export const isBlankPaste = (value: string) => value !== "" && value.trim() === ""

/** The refusal for a blank paste, naming the field as the form labels it. */
export const blankPasteMessage = (label: string) => `${label} is empty: paste the value itself.`
