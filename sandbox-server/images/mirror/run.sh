#!/bin/bash
# MIRROR_PORT: port on 127.0.0.1 and on each gateway; MIRROR_GATEWAYS: space-separated addresses.
# On each gateway: the registry (through socat) and a DNS server that knows no names.
set -eu
port="${MIRROR_PORT:-5000}"
export REGISTRY_HTTP_ADDR="127.0.0.1:${port}"
pids=()
for gateway in ${MIRROR_GATEWAYS:-}; do
  socat "TCP-LISTEN:${port},bind=${gateway},fork,reuseaddr" "TCP:127.0.0.1:${port}" &
  pids+=($!)
done
if [ -n "${MIRROR_GATEWAYS:-}" ]; then
  listen=$(echo ${MIRROR_GATEWAYS} | tr ' ' ',')
  dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces \
    --listen-address="${listen}" --address=/#/ --log-facility=- &
  pids+=($!)
fi
docker-registry serve /etc/slipway/registry.yml &
pids+=($!)
trap 'kill "${pids[@]}" 2>/dev/null' TERM INT
# If any part dies the container stops, so the engine's restart policy brings the whole back.
wait -n
kill "${pids[@]}" 2>/dev/null || true
exit 1
