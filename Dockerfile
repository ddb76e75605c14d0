# syntax=docker/dockerfile:1
# Two images from one build: `web` and `worker` (compose.yaml picks them by target).

FROM node:20-bookworm-slim AS deps
WORKDIR /app
# better-sqlite3 compiles from source (no prebuilt binary is fetched).
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
# npm ci's postinstall prepares the app template's dependencies (every app builds with them) once, here.
COPY scripts/prepare-app-template.mjs scripts/
COPY templates/react-app/package.json templates/react-app/package-lock.json templates/react-app/
RUN npm ci

# The agent CLIs the worker runs, pinned in runtimes/ (the root's copies are devDependencies, which
# the build stage prunes). Its own stage: a runtime upgrade rebuilds this layer only.
FROM node:20-bookworm-slim AS runtimes
WORKDIR /app
COPY runtimes/package.json runtimes/package-lock.json runtimes/
RUN npm ci --prefix runtimes --omit=dev --no-audit --no-fund

FROM deps AS build
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/build ./build

FROM runtime AS web
USER node
EXPOSE 3000
CMD ["node", "build/node/web.js"]

FROM runtime AS worker
# bubblewrap sandboxes the agent runtimes (and, with socat, Claude Code's own command sandbox);
# git and ripgrep are tools they expect.
RUN apt-get update && apt-get install -y --no-install-recommends bubblewrap socat git ripgrep ca-certificates \
  && rm -rf /var/lib/apt/lists/* \
  && mkdir -p /var/lib/second/workspaces && chown node:node /var/lib/second/workspaces
# The template new apps start from, with the dependencies every app's build uses (read-only).
COPY --from=build /app/templates ./templates
# Found by detection in /app/runtimes/node_modules (SECOND_*_PATH still overrides).
COPY --from=runtimes /app/runtimes ./runtimes
USER node
EXPOSE 3001
CMD ["node", "build/node/worker.js"]
