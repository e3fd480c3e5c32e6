# One image for every service of the scaled-out topology: each subgraph and the gateway run
# from the same code, told apart only by their command and environment (docker-compose.yml).
FROM node:20-bookworm-slim

# better-sqlite3 (the embedded topology's database) is a native addon: if no prebuilt binary
# fits, npm compiles it, which needs a toolchain.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY . .

ENV NODE_ENV=production
EXPOSE 4000
CMD ["npm", "run", "start:gateway"]
