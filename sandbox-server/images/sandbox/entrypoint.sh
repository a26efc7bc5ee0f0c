#!/bin/bash
# Prepares the container so a nested Docker Engine can run, then keeps that engine alive.
# Runs as the sandbox's main process (under docker-init, which reaps zombies).
#
# With SLIPWAY_ENGINE_START=asked (as the server starts sandboxes) the engine waits for a
# SIGUSR1: the learner's prompt comes first, and the server starts engines a few at a time so
# that a class arriving at once does not start thirty engines on two cores. A `docker` command
# that comes first asks the server for it (docker-shim). Without it (a container of this image
# run by hand as a Docker host) the engine starts at once.
#
# /run/slipway/engine-state says where the engine is, for the shim and for the server (the
# folder is the server's on the host): waiting, starting, ready, restarting.
set -u

log() { echo "slipway-sandbox: $*" >&2; }

# Without --privileged the engine mounts cgroups and /proc/sys read-only; the inner engine
# needs to create cgroups and set sysctls for its containers.
make_cgroups_writable() {
  if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    # cgroup v2: remount writable, move ourselves out of the root cgroup so that controllers
    # can be delegated to the inner engine's children.
    mount -o remount,rw /sys/fs/cgroup 2>/dev/null || true
    mkdir -p /sys/fs/cgroup/init
    while read -r pid; do echo "$pid" > /sys/fs/cgroup/init/cgroup.procs 2>/dev/null || true; done < /sys/fs/cgroup/cgroup.procs
    sed -e 's/ / +/g' -e 's/^/+/' < /sys/fs/cgroup/cgroup.controllers > /sys/fs/cgroup/cgroup.subtree_control 2>/dev/null || true
  else
    for c in blkio cpu cpuacct cpuset devices freezer memory pids; do
      [ -d "/sys/fs/cgroup/$c" ] || continue
      if ! touch "/sys/fs/cgroup/$c/.slipway-rw" 2>/dev/null; then
        umount "/sys/fs/cgroup/$c" && mount -t cgroup -o "$c" cgroup "/sys/fs/cgroup/$c" || log "cannot remount cgroup $c"
      else
        rm -f "/sys/fs/cgroup/$c/.slipway-rw"
      fi
    done
    # The named systemd hierarchy too: runc joins it for every `docker exec` (and so for
    # health checks), and fails if it cannot create the container's folder there.
    if [ -d /sys/fs/cgroup/systemd ] && ! touch /sys/fs/cgroup/systemd/.slipway-rw 2>/dev/null; then
      umount /sys/fs/cgroup/systemd && mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd || log "cannot remount the systemd cgroup"
    else
      rm -f /sys/fs/cgroup/systemd/.slipway-rw
    fi
  fi
  mount -o remount,rw /proc/sys 2>/dev/null || true
  mount -o remount,rw /sys 2>/dev/null || true
}

# On a swarm node the server cannot know a sandbox's gateway before Swarm places it (each node
# has its own bridge): "gateway" in SLIPWAY_MIRROR stands for it, and SLIPWAY_DNS=gateway makes
# the mirror's DNS there the sandbox's resolver (egress off), as the docker driver's resolv.conf;
# SLIPWAY_GATEWAY_NAMES are host names given the gateway's address.
use_gateway_services() {
  case "${SLIPWAY_MIRROR:-}${SLIPWAY_DNS:-}" in *gateway*) ;; *) return 0 ;; esac
  local gateway
  gateway="$(ip -4 route show default 2>/dev/null | awk '{ print $3; exit }')"
  if [ -z "$gateway" ]; then
    log "no default gateway: the image mirror and its DNS are not used"
    SLIPWAY_MIRROR=""
    return 0
  fi
  SLIPWAY_MIRROR="${SLIPWAY_MIRROR//gateway/$gateway}"
  # The workshop registry and the Python index, on the gateway, even where lookups go elsewhere (egress on).
  if [ -n "${SLIPWAY_GATEWAY_NAMES:-}" ]; then
    echo "$gateway ${SLIPWAY_GATEWAY_NAMES}" >> /etc/hosts
  fi
  if [ "${SLIPWAY_DNS:-}" = gateway ]; then
    printf '# Written by Slipway: the image mirror'"'"'s DNS on the gateway.\nnameserver %s\noptions ndots:0\n' "$gateway" > /etc/resolv.conf
  fi
}

CONTAINERD_SOCK=/var/run/docker/containerd/containerd.sock

engine_args() {
  args=(
    -H unix:///var/run/docker.sock
    -H unix:///run/slipway/docker.sock
    --containerd "$CONTAINERD_SOCK"
    --bip "${SLIPWAY_INNER_BIP:-10.251.0.1/24}"
    --default-address-pool "base=${SLIPWAY_INNER_POOL:-10.252.0.0/16},size=24"
    --log-driver json-file
    --log-opt "max-size=${SLIPWAY_LOG_MAX_SIZE:-10m}" --log-opt max-file=2
    --storage-driver overlay2
  )
  if [ -n "${SLIPWAY_MIRROR:-}" ]; then
    args+=(--registry-mirror "http://${SLIPWAY_MIRROR}" --insecure-registry "${SLIPWAY_MIRROR}")
  fi
  if [ -n "${SLIPWAY_REGISTRY_HOST:-}" ]; then
    args+=(--insecure-registry "${SLIPWAY_REGISTRY_HOST}")
  fi
  # A server that is not root (a member of the host's docker group) reads the engine through
  # /run/slipway/docker.sock too: the socket's group is then the server's own group id, which
  # need not exist in here (dockerd takes a number as it is).
  if [ -n "${SLIPWAY_SOCKET_GID:-}" ]; then
    args+=(--group "${SLIPWAY_SOCKET_GID}")
  fi
}

STATE=/run/slipway/engine-state
set_state() { echo "$1" > "$STATE.new" && mv -f "$STATE.new" "$STATE"; }

# Says "ready" once the engine answers on its socket (a socket that exists may not answer yet).
# Its looks start no process until the socket is there (`read -t` on a pipe nobody writes
# waits; `sleep` and curl would fork ten times a second in every sandbox starting).
report_ready() {
  local tenths tick
  exec {tick}<> <(:)
  for ((tenths = 0; tenths < 1200; tenths++)); do
    if [ -S /var/run/docker.sock ] && curl -sf --max-time 1 --unix-socket /var/run/docker.sock http://engine/_ping >/dev/null 2>&1; then
      set_state ready
      return
    fi
    read -r -t 0.1 -u "$tick" _
  done
}

# The engine's Go runtimes (dockerd, containerd): collect garbage sooner than Go's default (an
# idle engine holds less) and use as many threads as the sandbox has CPUs (Go sizes itself to
# the host's).
export GOGC="${SLIPWAY_ENGINE_GOGC:-25}"
[ -n "${SLIPWAY_ENGINE_PROCS:-}" ] && export GOMAXPROCS="$SLIPWAY_ENGINE_PROCS"

# containerd runs apart from dockerd, restarted if it dies; dockerd reconnects to it. A TERM ends
# it (after dockerd has stopped the learner's containers).
containerd_loop() {
  local stop=0 pid=
  trap 'stop=1; [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null' TERM
  trap '' USR1
  while [ "$stop" = 0 ]; do
    rm -f "$CONTAINERD_SOCK"
    containerd --config /etc/slipway/containerd.toml >>/var/log/containerd.log 2>&1 &
    pid=$!
    wait "$pid"
    while kill -0 "$pid" 2>/dev/null; do wait "$pid"; done
    [ "$stop" = 1 ] && break
    log "containerd exited; restarting in 1s"
    sleep 1
  done
}

stopping=0
engine_pid=
start_asked=0
on_term() {
  stopping=1
  [ -n "$engine_pid" ] && kill -TERM "$engine_pid" 2>/dev/null
}
# A second ask, once the engine runs, changes nothing.
on_start() { start_asked=1; }
trap on_term TERM INT
trap on_start USR1

mkdir -p /run/slipway
set_state starting
# cgroup v2: before any shell, which must not be left in the root cgroup when controllers are
# handed down. cgroup v1 has no such rule: the remounts wait for the engine, after the prompt.
cgroups_ready=0
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  make_cgroups_writable
  cgroups_ready=1
fi
use_gateway_services
engine_args
# A container started again (after the host's engine restarted) keeps /var/run from its last
# run: a stale containerd PID that now names another process makes dockerd wait forever for
# a containerd that is not there.
find /run /var/run -name 'docker*.pid' -delete 2>/dev/null
find /run /var/run -name 'containerd*.pid' -delete 2>/dev/null

rm -f /run/slipway/docker.sock /var/run/docker.sock /var/run/docker.pid /run/slipway/engine-wanted
echo $$ > /run/slipway/entrypoint.pid
if [ "${SLIPWAY_ENGINE_START:-now}" = asked ]; then
  set_state waiting
  # A trapped signal ends `wait` at once, so the ask is answered at once. A signal that arrives
  # just before a `wait` begins has had its trap run already, and that `wait` would not end
  # early: hence waits of a second (one short process a second), and a look after each.
  while [ "$start_asked" = 0 ] && [ "$stopping" = 0 ]; do
    sleep 1 &
    waiter=$!
    wait "$waiter"
    kill "$waiter" 2>/dev/null
  done
fi

set_state starting
[ "$cgroups_ready" = 1 ] || make_cgroups_writable
mkdir -p "$(dirname "$CONTAINERD_SOCK")"
containerd_loop &
containerd_pid=$!
exec {tick}<> <(:)
for ((tenths = 0; tenths < 200 && stopping == 0; tenths++)); do
  [ -S "$CONTAINERD_SOCK" ] && break
  read -r -t 0.05 -u "$tick" _
done
exec {tick}<&-

# The engine is restarted if it dies (a learner may kill it); the server notices the socket
# going away and tells the learner.
while [ "$stopping" = 0 ]; do
  rm -f /run/slipway/docker.sock /var/run/docker.sock /var/run/docker.pid
  set_state starting
  dockerd "${args[@]}" >>/var/log/dockerd.log 2>&1 &
  engine_pid=$!
  report_ready &
  reporter=$!
  # A signal (a late ask to start) also ends `wait`; only the engine's exit ends this loop.
  while :; do
    wait "$engine_pid"
    code=$?
    kill -0 "$engine_pid" 2>/dev/null || break
  done
  kill "$reporter" 2>/dev/null
  [ "$stopping" = 1 ] && break
  set_state restarting
  log "inner dockerd exited with code $code; restarting in 1s"
  sleep 1
done
wait "$engine_pid" 2>/dev/null
kill -TERM "$containerd_pid" 2>/dev/null
wait "$containerd_pid" 2>/dev/null
exit 0
