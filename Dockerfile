# Conveyor server image: `docker build -t conveyor .` (runtime) and
# `docker build --target migrate -t conveyor-migrate .` (the Prisma CLI, for the migrate Job).

# build: every dependency, the Prisma client generated from prisma/schema.prisma, TypeScript compiled
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# scripts run below, once the sources are in (the prepare script needs them)
RUN npm ci --ignore-scripts && npm rebuild esbuild
COPY tsconfig.json tsconfig.build.json prisma.config.ts ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY src ./src
COPY bench ./bench
COPY bin ./bin
RUN npm run generate && npm run build

# migrate: `npx prisma migrate deploy` needs the Prisma CLI, a devDependency
FROM build AS migrate
USER node
CMD ["npx", "prisma", "migrate", "deploy"]

# runtime: production dependencies only, the compiled app (generated client included), migrations
FROM node:22-slim AS runtime
ENV NODE_ENV=production \
    CONVEYOR_API_HOST=0.0.0.0 \
    CONVEYOR_API_PORT=4000 \
    CONVEYOR_DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY prisma ./prisma
RUN mkdir -p /data && chown node:node /data
# the node user (uid 1000) that the base image ships
USER node
EXPOSE 4000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.CONVEYOR_API_PORT || 4000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/conveyor.js"]
CMD ["serve"]
