# syntax=docker/dockerfile:1
# Build stage: compile TypeScript with the dev dependencies, which never reach the final image.
# Node 24 is the supported LTS (Node 20 reached end of life in April 2026); the code also runs on 20.18.1+.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY packages/server/package.json ./packages/server/
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
COPY rules ./rules
# The browser audit, served at /audit when PUBLIC_URL is set.
RUN npm run build && npm run -s build:web

# Runtime stage: production dependencies, the compiled app, the rules and the manifest only.
FROM node:24-bookworm-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json
WORKDIR /app
# The server's dependencies are its workspace package's; the root's are the CLI bundle's build tools.
COPY package.json package-lock.json ./
COPY packages/server/package.json ./packages/server/
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist/src ./dist/src
COPY --from=build /app/dist/web ./dist/web
COPY rules ./rules
COPY app.yml ./
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "dist/src/app/main.js"]
