#!/bin/bash
# Prepares the container so a nested Docker Engine can run, then keeps that engine alive.
# Runs as the sandbox's main process (under docker-init, which reaps zombies).
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

engine_args() {
  args=(
    -H unix:///var/run/docker.sock
    -H unix:///run/slipway/docker.sock
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

stopping=0
engine_pid=
on_term() {
  stopping=1
  [ -n "$engine_pid" ] && kill -TERM "$engine_pid" 2>/dev/null
}
trap on_term TERM INT

make_cgroups_writable
mkdir -p /run/slipway
engine_args
# A container started again (after the host's engine restarted) keeps /var/run from its last
# run: a stale containerd PID that now names another process makes dockerd wait forever for
# a containerd that is not there.
find /run /var/run -name 'docker*.pid' -delete 2>/dev/null
find /run /var/run -name 'containerd*.pid' -delete 2>/dev/null

# The engine is restarted if it dies (a learner may kill it); the server notices the socket
# going away and tells the learner.
while [ "$stopping" = 0 ]; do
  rm -f /run/slipway/docker.sock /var/run/docker.sock /var/run/docker.pid
  GOGC="${SLIPWAY_ENGINE_GOGC:-50}" dockerd "${args[@]}" >>/var/log/dockerd.log 2>&1 &
  engine_pid=$!
  wait "$engine_pid"
  code=$?
  [ "$stopping" = 1 ] && break
  log "inner dockerd exited with code $code; restarting in 1s"
  sleep 1
done
wait "$engine_pid" 2>/dev/null
exit 0
