# syntax=docker/dockerfile:1

# ---- build: install everything, compile server + console, then drop dev deps ----
FROM node:20-bookworm-slim AS build
WORKDIR /app

# Dependencies first so the layer is reused while only sources change.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

COPY . .
# Server (tsc -> dist/, migrations included) and console (vite -> client/dist/).
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: compiled output and production deps only, non-root ----
FROM node:20-bookworm-slim AS runtime
WORKDIR /app

ENV NODE_ENV=production \
    PORT=4000 \
    DATA_DIR=/app/data

RUN groupadd --system llmhub \
 && useradd --system --gid llmhub --home-dir /app --shell /usr/sbin/nologin llmhub \
 && mkdir -p /app/data \
 && chown llmhub:llmhub /app/data

# Code stays root-owned (read-only to the app); only DATA_DIR is writable.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/client/dist ./client/dist

USER llmhub
EXPOSE 4000

# Slim images have no curl; Node 20 has a global fetch.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# A heap limit below 2 GB also lowers how far V8 lets the heap grow between full
# collections (docs/OPERATIONS.md, "Memory"); LLMHub's live heap is about 70 MB.
CMD ["node", "--max-old-space-size=1536", "dist/src/main.js"]
