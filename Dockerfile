# Build stage: every dependency, then `npm run build` (dist/: the server and its scripts as plain
# JavaScript, the dashboard and GraphiQL prebuilt, the embedded database's template).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
COPY drizzle ./drizzle
RUN npm run build

# Runtime stage: production dependencies, the migrations and the build; plain Node, no tsx or esbuild.
# The npm scripts an operator uses (`npm start`, `npm run keys`, `npm run db:migrate`) run the build here.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production HOST=0.0.0.0 PORT=4000 DATA_DIR=/data
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund \
  && npm pkg set scripts.start="node dist/main.js" scripts.keys="node dist/keys.js" "scripts.db:migrate=node dist/migrate.js" \
  && npm cache clean --force \
  && mkdir -p /data && chown node:node /data
COPY drizzle ./drizzle
COPY --from=build /app/dist ./dist
# The embedded database (PGlite) keeps its data here when DATABASE_URL is unset.
VOLUME /data
USER node
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/main.js"]
