#!/bin/bash
# Three registries in one container, in the host's network namespace (P = MIRROR_PORT):
#   127.0.0.1:P    the mirror, writable: the host pushes stand-in images here (offline), or it
#                  is a pull-through cache of Docker Hub (online: REGISTRY_PROXY_REMOTEURL set)
#   127.0.0.1:P+1  the same mirror storage, read-only (offline), so no learner can replace an
#                  image every other sandbox pulls
#   127.0.0.1:P+2  the workshop registry, its own storage, where learners push their images
# On each sandbox gateway (MIRROR_GATEWAYS): P+1 leads to the mirror sandboxes pull through, and
# a DNS server answers every lookup at once with "no such name". Port P there is the workshop
# registry's gate, in the Slipway server itself (sandbox-server/registry/): it passes requests on
# to P+2 and lets each learner push only under their own namespace, so it is not forwarded here.
set -eu
port="${MIRROR_PORT:-5000}"
readonly_port=$((port + 1))
workshop_port=$((port + 2))
pids=()
start() { "$@" & pids+=($!); }

REGISTRY_HTTP_ADDR="127.0.0.1:${port}" start docker-registry serve /etc/slipway/mirror.yml
if [ -z "${REGISTRY_PROXY_REMOTEURL:-}" ]; then
  REGISTRY_HTTP_ADDR="127.0.0.1:${readonly_port}" start docker-registry serve /etc/slipway/mirror-readonly.yml
  pull_port="${readonly_port}"
else
  # A pull-through cache refuses pushes by itself.
  pull_port="${port}"
fi
REGISTRY_HTTP_ADDR="127.0.0.1:${workshop_port}" start env -u REGISTRY_PROXY_REMOTEURL docker-registry serve /etc/slipway/workshop.yml

for gateway in ${MIRROR_GATEWAYS:-}; do
  start socat "TCP-LISTEN:${readonly_port},bind=${gateway},fork,reuseaddr" "TCP:127.0.0.1:${pull_port}"
done
if [ -n "${MIRROR_GATEWAYS:-}" ]; then
  listen=$(echo ${MIRROR_GATEWAYS} | tr ' ' ',')
  start dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces \
    --listen-address="${listen}" --address=/#/ --log-facility=-
fi
trap 'kill "${pids[@]}" 2>/dev/null' TERM INT
# If any part dies the container stops, so the engine's restart policy brings the whole back.
wait -n
kill "${pids[@]}" 2>/dev/null || true
exit 1
