// A small RFC 4180 reader for the tests: quoted fields (with doubled quotes, commas and line
// breaks inside), CRLF or LF line ends. Strict: a stray quote is an error, not a guess.

export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ""
  let index = 0
  let quoted = false
  const endField = () => {
    row.push(field)
    field = ""
  }
  while (index < text.length) {
    const char = text[index]!
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"'
        index += 2
      } else if (char === '"') {
        quoted = false
        index += 1
        const next = text[index]
        if (next !== undefined && next !== "," && next !== "\r" && next !== "\n") throw new Error(`Unexpected ${JSON.stringify(next)} after a closing quote at ${index}`)
      } else {
        field += char
        index += 1
      }
      continue
    }
    if (char === '"') {
      if (field !== "") throw new Error(`A quote inside an unquoted field at ${index}`)
      quoted = true
      index += 1
    } else if (char === ",") {
      endField()
      index += 1
    } else if (char === "\r" || char === "\n") {
      endField()
      rows.push(row)
      row = []
      index += char === "\r" && text[index + 1] === "\n" ? 2 : 1
    } else {
      field += char
      index += 1
    }
  }
  if (quoted) throw new Error("The file ends inside a quoted field")
  if (field !== "" || row.length > 0) {
    endField()
    rows.push(row)
  }
  return rows
}
