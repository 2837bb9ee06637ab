# Missions: a GitHub App. Build: docker build -t missions .   Run: docker run --env-file .env -p 3000:3000 -v missions-data:/data missions
FROM node:24-bookworm-slim

# git drives mission checkouts; ca-certificates for HTTPS to GitHub and model providers;
# bubblewrap, socat and ripgrep are the command sandbox's (and the grep tool's); chromium and a font
# for the user-testing validator's browser.
# The sandbox creates user namespaces: run the container with a seccomp profile that allows them
# (for example `--security-opt seccomp=unconfined`, or your runtime's profile for bubblewrap).
RUN apt-get update \
  && apt-get install -y --no-install-recommends git ca-certificates tini bubblewrap socat ripgrep curl chromium fonts-liberation \
  && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY src ./src
COPY prompts ./prompts
COPY skills ./skills
COPY app.yml ./

ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    LOG_FORMAT=json \
    DATABASE_URL=sqlite:/data/missions.db \
    MISSIONS_WORKSPACES=/data/workspaces

RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "src/main.ts"]
