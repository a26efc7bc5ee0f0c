// Examples for docs/authoring.md, one or more per check kind. A test parses every one with the
// lesson schema, so the guide can never show a check that would be rejected.
import type { CheckKind } from '../../lessons/schema.js';

export const checkExamples: Record<CheckKind, string> = {
  container: `
# A container named "web", running, serving a read-only bind mount on port 8080.
- kind: container
  name: web
  state: running
  ports: ["8080:80"]
  mounts:
    - destination: /usr/share/nginx/html
      type: bind
      source: site
      readOnly: true
# The newest container made from hello-world has run and printed its greeting.
- kind: container
  image: hello-world
  exitCode: 0
  logs:
    contains: Hello from Docker!
# Environment, network, restart policy and health of a database container.
- kind: container
  name: db
  env: { POSTGRES_DB: shop }
  networks: [backend]
  restart: unless-stopped
  health: healthy
# The container is gone (after docker rm).
- kind: container
  name: daemon
  exists: false
`,
  image: `
# An image built from the lesson's Dockerfile, with its configuration.
- kind: image
  name: hello-flask:1.0
  base: python:3.13-slim
  workdir: /app
  env: { FLASK_APP: app.py }
  exposedPorts: [5000]
  cmd: [flask, run, --host=0.0.0.0]
  user: app
  labels: { org.opencontainers.image.title: hello-flask }
  maxLayers: 12
  maxSizeMB: 200
# A declared volume and an entrypoint.
- kind: image
  name: pgclient
  volumes: [/data]
  entrypoint: [psql]
`,
  volume: `
# A named volume that holds the database files.
- kind: volume
  label: The volume pgdata holds a PostgreSQL 17 database
  name: pgdata
  file: PG_VERSION
  matches: '^17'
# The volume was removed (docker compose down -v).
- kind: volume
  name: counter_data
  exists: false
`,
  network: `
# A user-defined bridge network with two containers connected.
- kind: network
  name: backend
  driver: bridge
  containers: [api, db]
`,
  compose: `
# The project in the workspace runs its services, and the database is healthy.
- kind: compose
  project: workshop
  services: [web, redis, db]
  healthy: [db]
# After docker compose down.
- kind: compose
  project: workshop
  down: true
`,
  http: `
# The page published on port 8080 shows the learner's text.
- kind: http
  url: http://localhost:8080/
  status: 200
  contains: My first page
# A visit counter that counts.
- kind: http
  label: The page on port 5000 counts its visits
  url: http://localhost:5000/
  matches: '/visited \\d+ times/i'
  changes: true
`,
  file: `
# The learner wrote a Dockerfile that starts from the slim Python image.
- kind: file
  label: The Dockerfile starts FROM python:3.13-slim
  path: Dockerfile
  matches: '^FROM python:3\\.13-slim'
# A .dockerignore that leaves out the virtual environment.
- kind: file
  path: .dockerignore
  contains: .venv
`,
  command: `
# Steps that change nothing: the learner listed every container, and read a container's logs.
- kind: command
  label: You listed every container with docker ps -a
  matches: '^docker (container )?(ps|ls)\\b.*(\\s-a\\b|--all)'
- kind: command
  contains: docker logs
  succeeded: true
`,
  script: `
# Anything else: exit 0 passes, the first line printed is the message.
- kind: script
  label: The database has the orders table
  script: |
    if docker compose exec -T db psql -U postgres -d shop -tAc "select to_regclass('orders')" | grep -q orders; then
      echo "The orders table exists."
    else
      echo "There is no orders table in the shop database yet."
      exit 1
    fi
  timeoutSeconds: 15
`,
  all: `
# Both must hold (a step's checks are already all required; all is useful inside any).
- kind: all
  label: The page is served on port 8080
  checks:
    - kind: container
      image: nginx:1.26
      state: running
    - kind: http
      url: http://localhost:8080/
`,
  any: `
# Either way of removing the container counts.
- kind: any
  checks:
    - kind: container
      name: web
      exists: false
    - kind: container
      name: web
      state: exited
`,
};

/** A complete lesson frontmatter, shown at the top of the reference. */
export const lessonExample = `---
title: Hello, containers
description: Run your first containers, look at them, and clean up after yourself.
order: 1
minutes: 20
images: [hello-world, debian:trixie-slim]
steps:
  - id: hello
    title: Run hello-world
    checks:
      - kind: container
        image: hello-world
        exitCode: 0
    hints:
      - "Docker runs a container from an image with \`docker run\`."
      - "The image is called \`hello-world\`."
    solution:
      - docker run hello-world
  - id: list
    title: List every container, stopped ones too
    checks:
      - kind: command
        label: You listed every container with docker ps -a
        matches: '^docker (container )?(ps|ls)\\b.*(\\s-a\\b|--all)'
    hints:
      - "\`docker ps\` lists running containers; one option adds the stopped ones."
    solution:
      - docker ps -a
---

# Hello, containers

Text of the lesson, in MDX...
`;
