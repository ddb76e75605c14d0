// One rule for cutting credentials out of anything a runtime says that may reach a person, a log
// or an event: the same patterns error reports are scrubbed with (provider and API keys, cloud
// keys, bearer and basic credentials, credentials in URLs, key=value secrets, long random-looking
// strings), with no deployment values to add. Ids, paths and UUIDs are kept.

import { createScrubber } from "#shared/telemetry/scrub-secrets.ts"

export const redactSecrets: (text: string) => string = createScrubber([])
