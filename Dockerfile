# GiaoBan container image. Not built on the development machines (they have no Docker engine):
# keep it in step with scripts/setup/, which it runs unchanged.

# --- build: Debian's build packages, npm ci, the mediasoup worker, whisper.cpp, Prisma client, client + server bundles
FROM node:24-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts ./scripts
COPY prisma ./prisma
COPY prisma.config.ts tsconfig.json tsconfig.base.json ./
COPY shared ./shared
COPY server ./server
COPY client ./client
# Runs as root here, so missing Debian packages are installed with apt-get.
RUN node scripts/setup/index.mjs --for=build \
 && npm prune --omit=dev --no-audit --no-fund

# --- runtime: only the shared libraries the worker and whisper-cli (OpenMP) link against, ffmpeg, non-root user
FROM node:24-bookworm-slim AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends libssl3 libuv1 libusrsctp2 libabsl20220623 libgomp1 ffmpeg ca-certificates \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production DATA_DIR=/data PORT=8080 RTC_PORT=40000
COPY --from=build /app/package.json /app/package-lock.json /app/prisma.config.ts ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/prisma ./prisma
COPY --from=build /app/scripts ./scripts
COPY --from=build /app/server/src/config/database-file.ts ./server/src/config/database-file.ts
# whisper-cli is built for the build machine's CPU (GGML_NATIVE): build the image where it runs.
COPY --from=build /app/.cache/whisper/1.9.1 ./.cache/whisper/1.9.1
RUN mkdir -p /data /app/.cache && chown node:node /data /app/.cache
USER node
VOLUME ["/data"]
# HTTP, then one WebRTC port per mediasoup worker (RTC_PORT + i), UDP and TCP.
# Set MEDIASOUP_WORKERS and publish exactly that many ports; set RTC_ANNOUNCED_ADDRESS to the
# address browsers reach (the container's own address is not it).
EXPOSE 8080/tcp 40000-40001/udp 40000-40001/tcp
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["sh", "-c", "node scripts/prisma.mjs migrate deploy && exec node --enable-source-maps dist/server/server.mjs"]
