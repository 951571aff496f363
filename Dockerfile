# syntax=docker/dockerfile:1.10
# One image recipe for the three FediFlow services (api, federation, workers):
#   docker buildx build --build-arg SERVICE=api -t ghcr.io/fediflow/api:dev .
# or `npx nx docker-build api`. Why one file with ARG SERVICE, and the stage design: docs/containers.md.
#
# build      glibc (Debian): `npm ci` of the whole workspace (devDependencies include the glibc
#            `node` binary and Nx's native modules) and `nx build $SERVICE`. The bundle is plain
#            JavaScript, so this stage runs on the build host's platform, never under emulation.
# prod-deps  Alpine, target platform: `npm ci --omit=dev` of the service's own package.json and
#            lockfile (never the root lockfile: the `node` devDependency must not reach the image).
# runtime    the same pinned Alpine + tini; user fediflow (1001); npm, corepack and yarn removed.

# ---------------------------------------------------------------------------------------------
FROM --platform=$BUILDPLATFORM node:24.21.0-bookworm-slim AS build
ARG SERVICE
RUN case "$SERVICE" in api|federation|workers) ;; \
      *) echo "Set --build-arg SERVICE=api|federation|workers (got '$SERVICE')" >&2; exit 1 ;; esac
WORKDIR /workspace
ENV NX_DAEMON=false NX_TUI=false NX_NO_CLOUD=true CI=true
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
# production-manifest.ts rewrites dist/apps/$SERVICE/package{,-lock}.json from the root lockfile
# (offline), because the lockfile Nx generates is not installable (see that file).
RUN npx nx build "$SERVICE" --outputStyle=static \
 && npx tsx tools/images/production-manifest.ts "$SERVICE" \
 && mkdir -p /out/app /out/manifest \
 && cp "dist/apps/$SERVICE/package.json" "dist/apps/$SERVICE/package-lock.json" /out/manifest/ \
 && cp -R "dist/apps/$SERVICE/." /out/app/ \
 && rm /out/app/package-lock.json \
 && chmod -R a-w /out/app

# ---------------------------------------------------------------------------------------------
FROM node:24.21.0-alpine3.22 AS prod-deps
WORKDIR /deps
COPY --from=build /out/manifest/ ./
COPY docker/prune-node-modules.sh /usr/local/bin/prune-node-modules
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && sh /usr/local/bin/prune-node-modules node_modules \
 && chmod -R a-w node_modules

# ---------------------------------------------------------------------------------------------
FROM node:24.21.0-alpine3.22 AS runtime
ARG SERVICE
ARG VERSION=0.0.0-dev
ARG REVISION=unknown
ARG CREATED=1970-01-01T00:00:00Z
ARG SOURCE=https://github.com/fediflow/fediflow
LABEL org.opencontainers.image.title="fediflow-${SERVICE}" \
      org.opencontainers.image.description="FediFlow ${SERVICE} service" \
      org.opencontainers.image.source="${SOURCE}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.licenses="AGPL-3.0-only" \
      org.opencontainers.image.vendor="FediFlow"
# tini is PID 1: it forwards SIGTERM to node (graceful drain) and reaps zombies. The package
# managers are not needed at run time and only add attack surface; so is the image's `node` user.
RUN apk add --no-cache 'tini~0.19' \
 && rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack \
      /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* \
 && deluser --remove-home node \
 && addgroup -S -g 1001 fediflow \
 && adduser -S -D -H -u 1001 -G fediflow -h /app -s /sbin/nologin fediflow
# Heap caps: V8 sizes its heap from host memory, not the container's, and lets ~250 MiB of
# garbage build up before collecting (live heap is ~60 MB; see docs/benchmarks.md). Capped, RSS
# stays below 200 MiB under load, under the HPA's memory target of 80 % of the 256 Mi request.
# Source maps are enabled by the services themselves for their own bundles only (libs/bootstrap
# launch.ts): `--enable-source-maps` would also keep those of every package (≈ 15 MiB).
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-semi-space-size=8 --max-old-space-size=160" \
    PORT=3000 \
    METRICS_PORT=9464
WORKDIR /app
# Files belong to the runtime user but carry no write bit (chmod a-w in the stages above): the
# process writes only to /tmp; Kubernetes and compose also mount the root filesystem read-only.
COPY --from=prod-deps --chown=1001:1001 /deps/node_modules ./node_modules
COPY --from=build --chown=1001:1001 /out/app/ ./
USER 1001
EXPOSE 3000 9464
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+process.env.PORT+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/sbin/tini", "--", "node"]
CMD ["main.js"]
