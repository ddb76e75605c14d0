// CSV fields for the files people download (usage, audit log): RFC 4180 quoting, and text a
// spreadsheet would run as a formula kept as text. Shared so both exports escape alike.

/**
 * A value typed by a person that starts like a formula (=, +, -, @, tab, CR) would run as one when
 * the file is opened in a spreadsheet: a leading apostrophe keeps it text (OWASP's advice).
 */
export const spreadsheetText = (value: string) => (/^[=+\-@\t\r]/.test(value) ? `'${value}` : value)

/** One field: quoted when it holds a comma, quote or line break, quotes doubled. */
export const csvQuoted = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value)
