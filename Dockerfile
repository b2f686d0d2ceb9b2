# syntax=docker/dockerfile:1
# Gregor node image: multi-stage; the runtime stage has only production
# dependencies and the compiled dist/ folders, and runs as a non-root user.

FROM node:20-bookworm-slim AS build
WORKDIR /src
RUN npm install -g pnpm@10.34.8
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.json tsconfig.base.json ./
COPY proto ./proto
COPY packages ./packages
COPY scripts ./scripts
RUN pnpm install --frozen-lockfile \
 && pnpm build \
 && rm -rf node_modules packages/*/node_modules proto/node_modules scripts/node_modules \
 && pnpm install --frozen-lockfile --prod --ignore-scripts \
 && find . -name '*.tsbuildinfo' -delete \
 && rm -rf packages/*/src packages/*/test proto/src scripts/src

FROM node:20-bookworm-slim
RUN groupadd --system --gid 10001 gregor \
 && useradd --system --uid 10001 --gid gregor --home-dir /var/lib/gregor gregor \
 && mkdir -p /var/lib/gregor && chown gregor:gregor /var/lib/gregor
WORKDIR /opt/gregor
COPY --from=build /src /opt/gregor
RUN printf '#!/bin/sh\nexec node /opt/gregor/packages/cli/dist/bin.js "$@"\n' > /usr/local/bin/gregor \
 && printf '#!/bin/sh\nexec node /opt/gregor/packages/node/dist/bin.js "$@"\n' > /usr/local/bin/gregor-node \
 && chmod +x /usr/local/bin/gregor /usr/local/bin/gregor-node
USER gregor
VOLUME ["/var/lib/gregor"]
ENV GREGOR_LOG_DIRS=/var/lib/gregor
EXPOSE 9092 9192 9292 9392
# /readyz: registered, unfenced and caught up with the metadata log.
HEALTHCHECK --interval=5s --timeout=3s --start-period=20s --retries=3 \
  CMD node -e "fetch(process.env.READYZ_URL||'http://127.0.0.1:9292/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["gregor-node"]
