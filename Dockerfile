# syntax=docker/dockerfile:1
# Rapport API image. Build: docker build -t rapport .   Run: see docker-compose.yml (PostgreSQL + the API).

ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: all dependencies, compile TypeScript (with the Swagger CLI plugin), then drop dev dependencies ---
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build && npm prune --omit=dev

# --- runtime: compiled code and production dependencies only, as the unprivileged `node` user ---
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/app/.data
WORKDIR /app
COPY --from=build --chown=node:node /app/package.json ./package.json
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/dist ./dist
# DATA_DIR: only used without DATABASE_URL (embedded PostgreSQL) or without MASTER_KEY (generated key file).
RUN mkdir -p /app/.data && chown node:node /app/.data && chmod 0700 /app/.data
USER node
EXPOSE 3000
VOLUME ["/app/.data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Node runs as PID 1 and handles SIGTERM itself (drains requests, closes the pool, exits 0).
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main.js"]
