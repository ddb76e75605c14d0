// Runs the live coordination contract against the in-process adapter.

import { liveCoordinationContract } from "#tests/contracts/live-coordination.contract.ts"
import { createMemoryLive } from "./memory-live.server.ts"

liveCoordinationContract("in-process (embedded)", { open: async () => createMemoryLive() })
