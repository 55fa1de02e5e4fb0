# syntax=docker/dockerfile:1

# ---- build: install all dependencies and compile TypeScript to dist/ with swc ----
FROM node:20-bookworm-slim AS build
# The image's npm 10 ignores package.json "allowScripts" (an npm 11 setting) and runs every
# install script; this turns off the install-time telemetry of @scarf/scarf (via @nestjs/swagger).
ENV SCARF_ANALYTICS=false
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY . .
RUN npm run build

# ---- runtime: production dependencies, compiled code and the built-in data only ----
FROM node:20-bookworm-slim AS runtime
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
CMD ["node", "dist/apps/api/src/main.js"]
