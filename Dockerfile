# Missions: a GitHub App.
#   Build:  docker build -t missions .
#   First run, to register the app on GitHub (open the address GitHub will reach, e.g. https://missions.example.com):
#           docker run --security-opt seccomp=unconfined --security-opt systempaths=unconfined -p 3000:3000 -v missions-data:/data -e MISSIONS_PUBLIC_URL=https://missions.example.com missions
#           The setup flow writes the app's credentials to /data/.env (MISSIONS_ENV_FILE) on the volume; then
#           add a model provider key there, or pass it (-e ANTHROPIC_API_KEY=… or -e OPENAI_API_KEY=…), and
#           run again. Until a key is set, / names the variable to set and /health answers 503.
#   Or with an env file written by `npm start`'s setup flow: docker run --security-opt seccomp=unconfined --security-opt systempaths=unconfined --env-file .env -p 3000:3000 -v missions-data:/data missions
#           (Docker keeps the quotes around PRIVATE_KEY; the app removes them.)
# GitHub must reach the webhook URL: on a laptop, pass -e WEBHOOK_PROXY_URL=<a channel from https://smee.io/new>
# (with NODE_ENV=production, as set below, the setup flow creates no channel itself).
# A bind mount for /data must be writable by the image's user `node` (uid 1000).
# The command sandbox (bubblewrap) needs user namespaces and a writable /proc/sys (for --disable-userns):
# hence the two --security-opt above (or your runtime's bubblewrap profile); without them a mission
# pauses and its comment says which is missing.
FROM node:24-bookworm-slim

# git drives mission checkouts; ca-certificates for HTTPS to GitHub and model providers;
# bubblewrap, socat and ripgrep are the command sandbox's (and the grep tool's); chromium and a font
# for the user-testing validator's browser.
# The sandbox creates user namespaces: see the run options above.
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
    MISSIONS_WORKSPACES=/data/workspaces \
    MISSIONS_ENV_FILE=/data/.env

RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# /health: 200 while waiting for registration (setup) and once running; 503 while a registered app
# cannot run missions (a model provider key is missing), so the container shows as unhealthy then.
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "src/main.ts"]
