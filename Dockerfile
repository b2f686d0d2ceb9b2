# Gregor node image: `gregor-node` (the entrypoint) and the `gregor` CLI.
#
#   docker build -t gregor:latest .
#   docker run --rm gregor:latest --help
#   docker run --rm --entrypoint gregor gregor:latest topic list --bootstrap host:9092
#
# Two stages: the build stage installs with pnpm, compiles, and assembles
# /out with production dependencies only (deploy/docker/build-runtime.sh);
# the runtime stage is Debian slim + Node.js + /out, run as a non-root user
# with its data on a volume. docker-compose.yml runs three of these; the
# Kubernetes manifests in deploy/kubernetes run a StatefulSet of them.
#
# Needs BuildKit (RUN --mount, COPY --chmod), which the engine's built-in
# Dockerfile frontend handles since Docker 20.10: no `# syntax=` line, which
# would make every build fetch a frontend image from a registry.

ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
ENV CI=true PNPM_STORE_DIR=/pnpm/store
RUN npm install -g pnpm@10.34.8
WORKDIR /src
# The lockfile alone decides what to download: this layer and the store stay
# cached until pnpm-lock.yaml changes, whatever else is edited.
COPY pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN --mount=type=cache,id=gregor-pnpm-store,target=/pnpm/store \
    pnpm fetch --store-dir=/pnpm/store --reporter=append-only
COPY . .
RUN --mount=type=cache,id=gregor-pnpm-store,target=/pnpm/store \
    sh deploy/docker/build-runtime.sh /out

FROM ${NODE_IMAGE} AS runtime
# tini: PID 1 that forwards SIGTERM to gregor-node (which then shuts down in
# order: leaderships moved away, storage closed) and reaps children.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 gregor \
 && useradd --system --uid 10001 --gid gregor --home-dir /var/lib/gregor --no-create-home --shell /usr/sbin/nologin gregor \
 && install -d -o gregor -g gregor -m 0750 /var/lib/gregor
COPY --from=build /out /opt/gregor
COPY --chmod=0755 deploy/docker/entrypoint.sh /usr/local/bin/gregor-entrypoint
COPY --chmod=0755 deploy/docker/healthcheck.sh /usr/local/bin/gregor-healthcheck
RUN ln -s /opt/gregor/packages/node/dist/bin.js /usr/local/bin/gregor-node \
 && ln -s /opt/gregor/packages/cli/dist/bin.js /usr/local/bin/gregor \
 && ln -s /opt/gregor/packages/connect/dist/bin.js /usr/local/bin/gregor-connect \
 && gregor-node --help >/dev/null && gregor --help >/dev/null && gregor-connect --help >/dev/null

ENV NODE_ENV=production \
    GREGOR_LOG_DIRS=/var/lib/gregor/data \
    GREGOR_LISTENERS=CLIENT://0.0.0.0:9092,CONTROLLER://0.0.0.0:9192,HTTP://0.0.0.0:9292
# Numeric, so that Kubernetes can verify runAsNonRoot without a passwd lookup.
USER 10001:10001
WORKDIR /var/lib/gregor
# The data directory is a subdirectory of the volume: a fresh filesystem's
# lost+found (a Kubernetes PersistentVolume) then stays out of the node's way.
VOLUME ["/var/lib/gregor"]
# client API (gRPC), controller quorum (gRPC), HTTP (/metrics, /healthz, /readyz)
EXPOSE 9092 9192 9292
# Ready = registered, unfenced, caught up with the metadata log. The probe is
# bash asking /readyz (a few ms; see healthcheck.sh). The timeout is for a
# loaded host, where even starting a process in the container can take
# seconds; a timed-out probe counts as a failure, so a tight one flaps. A new
# cluster needs a quorum of its nodes up before any is ready: failures in the
# start period do not count, and the first success ends it.
HEALTHCHECK --interval=5s --timeout=10s --start-period=120s --retries=3 \
  CMD ["gregor-healthcheck"]
ENTRYPOINT ["tini", "--", "gregor-entrypoint"]
