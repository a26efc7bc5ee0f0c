#!/bin/bash
# Three registries in one container, in the host's network namespace (P = MIRROR_PORT):
#   127.0.0.1:P    the mirror, writable: the host pushes stand-in images here (offline), or it
#                  is a pull-through cache of Docker Hub (online: REGISTRY_PROXY_REMOTEURL set)
#   127.0.0.1:P+1  the same mirror storage, read-only (offline), so no learner can replace an
#                  image every other sandbox pulls
#   127.0.0.1:P+2  the workshop registry, its own storage, where learners push their images
#   127.0.0.1:P+3  the package cache (apt-cacher-ng) for Debian's archive: it fetches from
#                  PACKAGES_UPSTREAM and keeps (online), or serves only what it holds
#                  (PACKAGES_OFFLINE=1: anything else is refused at once, "503 Unable to
#                  download in offline mode"); the host warms it before class
#   127.0.0.1:P+4  the Python package index (nginx, pypi-nginx.conf): the wheels the host added,
#                  and PyPI through a cache that keeps (PYPI_OFFLINE=0) or only what that cache
#                  holds (PYPI_OFFLINE=1: a miss is a 404 at once)
# On each sandbox gateway (the address of every bridge named slw-*, or matching MIRROR_BRIDGES, a
# regular expression: on a swarm node, its own docker0; found as they come): P+1
# leads to the mirror sandboxes pull through, and a DNS server answers every lookup at once with
# "no such name", except Debian's archive names, which name the gateway itself, where port 80
# leads to the package cache, and pypi.workshop, the gateway too, where P+4 leads to the Python
# index. Port P there is the workshop registry's gate, in the Slipway server itself
# (sandbox-server/registry/): it passes requests on to P+2 and lets each learner push only under
# their own namespace, so it is not forwarded here. On a swarm node (WORKSHOP_RELAY=HOST:PORT,
# the server's gate as the nodes reach it) P on the gateway is a relay to that gate, which says
# in a header which sandbox address it speaks for (any such header a sandbox sends is replaced);
# registry.workshop then names the gateway too.
set -eu
port="${MIRROR_PORT:-5000}"
readonly_port=$((port + 1))
workshop_port=$((port + 2))
packages_port=$((port + 3))
pypi_port=$((port + 4))
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

acng_conf=/run/slipway-acng
mkdir -p "${acng_conf}"
cp /etc/slipway/acng.conf "${acng_conf}/acng.conf"
{
  echo "BindAddress: 127.0.0.1"
  echo "Port: ${packages_port}"
  echo "Remap-debrep: file:deb_mirror*.gz /debian ; ${PACKAGES_UPSTREAM:-http://deb.debian.org/debian/}"
  echo "Remap-secdeb: security.debian.org security.debian.org/debian-security deb.debian.org/debian-security /debian-security ; ${PACKAGES_SECURITY_UPSTREAM:-http://deb.debian.org/debian-security/}"
  [ "${PACKAGES_OFFLINE:-0}" = 1 ] && echo "Offlinemode: 1"
} >> "${acng_conf}/acng.conf"
echo "SocketPath: ${acng_conf}/socket" >> "${acng_conf}/acng.conf"
chown -R apt-cacher-ng:apt-cacher-ng /var/cache/apt-cacher-ng /var/log/apt-cacher-ng "${acng_conf}"
start setpriv --reuid=apt-cacher-ng --regid=apt-cacher-ng --init-groups /usr/sbin/apt-cacher-ng -c "${acng_conf}"

# The Python index. Online, nginx resolves PyPI's names when asked (a variable in proxy_pass),
# with the host's resolver, so a start without DNS still starts; offline, nothing is resolved.
pypi_run=/run/slipway-pypi
mkdir -p "${pypi_run}" /srv/pypi/local/files /srv/pypi/local/simple /srv/pypi/cache /srv/pypi/tmp
chown www-data:www-data /srv/pypi/cache /srv/pypi/tmp
echo "listen 127.0.0.1:${pypi_port};" > "${pypi_run}/listen.conf"
resolver="$(awk '$1 == "nameserver" { print $2; exit }' /etc/resolv.conf 2>/dev/null || true)"
case "${resolver}" in *:*) resolver="[${resolver}]" ;; esac
if [ "${PYPI_OFFLINE:-1}" != 1 ] && [ -n "${resolver}" ]; then
  # PyPI's hosts; the upstream test stands a local server in for them.
  pypi_pages="${PYPI_UPSTREAM:-https://pypi.org}"
  pypi_files="${PYPI_FILES_UPSTREAM:-https://files.pythonhosted.org}"
  echo "resolver ${resolver} valid=300s ipv6=off; resolver_timeout 5s;" > "${pypi_run}/upstream.conf"
else
  # Nothing listens on port 1: connecting is refused at once, and nginx answers from its cache.
  pypi_pages=http://127.0.0.1:1
  pypi_files=http://127.0.0.1:1
  : > "${pypi_run}/upstream.conf"
fi
echo "map \$host \$pypi_pages { default ${pypi_pages}; } map \$host \$pypi_files { default ${pypi_files}; }" >> "${pypi_run}/upstream.conf"
start nginx -c /etc/slipway/pypi-nginx.conf

# Sandbox networks come and go while the mirror runs (each installation on the engine has its
# own, on a bridge named slw-*): every second the gateways present are served and the gone ones
# let go, so a new installation never has to restart the mirror under another one's pulls.
declare -A served=()
gateways_now() {
  ip -o -4 addr show 2>/dev/null | awk -v bridges="${MIRROR_BRIDGES:-^slw-}" '$2 ~ bridges { split($4, address, "/"); print address[1] }' | sort -u
}
serve_gateway() {
  local gateway="$1" parts=()
  socat "TCP-LISTEN:${readonly_port},bind=${gateway},fork,reuseaddr" "TCP:127.0.0.1:${pull_port}" & parts+=($!)
  socat "TCP-LISTEN:80,bind=${gateway},fork,reuseaddr" "TCP:127.0.0.1:${packages_port}" & parts+=($!)
  socat "TCP-LISTEN:${pypi_port},bind=${gateway},fork,reuseaddr" "TCP:127.0.0.1:${pypi_port}" & parts+=($!)
  local names="deb.debian.org/security.debian.org/pypi.workshop"
  if [ -n "${WORKSHOP_RELAY:-}" ]; then
    relay_config "${gateway}"
    nginx -c "/run/slipway-relay/${gateway}.conf" & parts+=($!)
    names="${names}/registry.workshop"
  fi
  # One DNS server per gateway, so that each network's sandboxes are told their own gateway.
  dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --pid-file= \
    --listen-address="${gateway}" --address=/#/ \
    --address="/${names}/${gateway}" --log-facility=- & parts+=($!)
  served[$gateway]="${parts[*]}"
  echo "slipway-mirror: serving the sandbox gateway ${gateway}"
}
# The relay to the server's workshop registry gate, on one gateway: streams both ways (a layer
# pushed is not held here), and names the sandbox's address in X-Slipway-Sandbox.
relay_config() {
  mkdir -p /run/slipway-relay
  cat > "/run/slipway-relay/$1.conf" <<RELAY
daemon off;
worker_processes 1;
pid /run/slipway-relay/$1.pid;
error_log stderr warn;
events { worker_connections 512; }
http {
  access_log off;
  client_max_body_size 0;
  client_body_temp_path /run/slipway-relay/body-$1;
  proxy_request_buffering off;
  proxy_buffering off;
  proxy_http_version 1.1;
  proxy_read_timeout 1800s;
  proxy_send_timeout 1800s;
  server {
    listen $1:${port};
    location / {
      proxy_pass http://${WORKSHOP_RELAY};
      proxy_set_header Host \$http_host;
      proxy_set_header Connection "";
      proxy_set_header X-Slipway-Sandbox \$remote_addr;
    }
  }
}
RELAY
}
let_go() {
  echo "slipway-mirror: letting go of the sandbox gateway $1"
  # shellcheck disable=SC2086 # a list of pids
  kill ${served[$1]} 2>/dev/null || true
  unset "served[$1]"
}
all_alive() {
  local pid
  for pid in "$@"; do kill -0 "${pid}" 2>/dev/null || return 1; done
}
stop_all() {
  local gateway
  for gateway in "${!served[@]}"; do let_go "${gateway}"; done
  kill "${pids[@]}" 2>/dev/null || true
}
trap 'stop_all; exit 0' TERM INT
while :; do
  # If a core part dies the container stops, so the engine's restart policy brings the whole back.
  if ! all_alive "${pids[@]}"; then
    echo "slipway-mirror: a part stopped; stopping the rest"
    stop_all
    exit 1
  fi
  present=" $(gateways_now | tr '\n' ' ') "
  for gateway in "${!served[@]}"; do
    # shellcheck disable=SC2086 # a list of pids
    if [[ "${present}" != *" ${gateway} "* ]] || ! all_alive ${served[$gateway]}; then let_go "${gateway}"; fi
  done
  for gateway in ${present}; do
    [ -n "${served[$gateway]:-}" ] || serve_gateway "${gateway}"
  done
  sleep 1 & wait $!
done
