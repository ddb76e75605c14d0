// The doctor's last line of defence: whatever a check or a driver's error put in a message, no
// secret value from the environment leaves the process.

export function redact(text: string, secretValues: readonly string[]): string {
  let result = text
  for (const value of secretValues) result = result.split(value).join("<redacted>")
  return result
}
