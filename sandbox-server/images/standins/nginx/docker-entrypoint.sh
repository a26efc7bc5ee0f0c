#!/bin/sh
# Entrypoint of the Slipway nginx stand-in. Like the official image's: when the command is
# nginx, the files in /docker-entrypoint.d/ are processed first, in version order:
# executable *.sh files are run, executable *.envsh files are sourced (what they export is
# seen by the later scripts), anything else is skipped. Then the command runs.
# Set NGINX_ENTRYPOINT_QUIET_LOGS to any value to silence these messages.
set -e

say() {
	if [ -z "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ]; then
		printf '%s\n' "$0: $*"
	fi
}

if [ "$1" = 'nginx' ]; then
	if [ -n "$(find /docker-entrypoint.d/ -mindepth 1 -maxdepth 1 -print 2>/dev/null | head -n 1)" ]; then
		say "running the configuration scripts in /docker-entrypoint.d/"
		find /docker-entrypoint.d/ -follow -type f -print | sort -V | while read -r f; do
			case "$f" in
				*.envsh)
					if [ -x "$f" ]; then
						say "sourcing $f"
						. "$f"
					else
						say "skipping $f: not executable"
					fi
					;;
				*.sh)
					if [ -x "$f" ]; then
						say "running $f"
						"$f"
					else
						say "skipping $f: not executable"
					fi
					;;
				*)
					say "skipping $f"
					;;
			esac
		done
		say "configuration done, starting nginx"
	else
		say "/docker-entrypoint.d/ is empty, starting nginx"
	fi
fi

exec "$@"
