# syntax=docker/dockerfile:1

# Node.js 24, the active LTS (the project also runs on Node.js 20.19+; .ci/run tests both).
# SCARF_ANALYTICS=false turns off the install-time telemetry of @scarf/scarf (via @nestjs/swagger),
# should npm run its install script.

# ---- build: install all dependencies and compile TypeScript to dist/ with swc ----
FROM node:24-bookworm-slim AS build
ENV SCARF_ANALYTICS=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

# ---- runtime: production dependencies, compiled code and the built-in data only ----
# dist/ holds the apps and the command-line scripts: e.g. the first administrator with
#   docker-compose exec api node dist/scripts/admin-create.js --login … --region …
# (`npm run …` would build first, which needs the development dependencies: use node here).
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    SCARF_ANALYTICS=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY data ./data

# Files stay root-owned and read-only to the app; the processes write nothing under /app.
# Set DATABASE_URL: without it the app would try to start an embedded PostgreSQL in .data/.
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--max-semi-space-size=16", "--max-old-space-size=1024", "dist/apps/api/src/main.js"]
