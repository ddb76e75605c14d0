// Entry point of the standalone worker process (`npm run start:worker`, the compose worker service).

import { runWorker } from "./main.ts"

runWorker(process.env)
