#!/bin/sh
# Entrypoint of the Slipway redis stand-in. Behaves like the official image's entrypoint:
#  - arguments that start with "-" (or a first argument ending in ".conf") are handed to
#    redis-server, so `docker run redis --appendonly yes` works;
#  - when started as root, files in the working directory (/data) are given to the redis
#    user and redis-server is run as that user;
#  - protected mode is off by default (the official image compiles it off), because a
#    container is reached through Docker's network, never through loopback. An explicit
#    protected-mode in the arguments or in the given config file still wins.
set -e

if [ "${1#-}" != "$1" ] || [ "${1%.conf}" != "$1" ]; then
	set -- redis-server "$@"
fi

if [ "$1" = 'redis-server' ] && [ "$(id -u)" = '0' ]; then
	find . \! -user redis -exec chown redis '{}' +
	exec setpriv --reuid=redis --regid=redis --init-groups "$0" "$@"
fi

if [ "$1" = 'redis-server' ]; then
	shift
	case "${1:-}" in
		-v|--version|-h|--help|--test-memory|--check-system)
			# informational options must stay the first argument
			set -- redis-server "$@"
			;;
		''|--*)
			# no config file: put the default first so later arguments override it
			set -- redis-server --protected-mode no "$@"
			;;
		*)
			# a config file comes first; add the default only where nothing sets it
			conf="$1"
			explicit=
			for arg in "$@"; do
				[ "$arg" = '--protected-mode' ] && explicit=1
			done
			if [ -z "$explicit" ] && [ -r "$conf" ] && grep -qiE '^[[:space:]]*protected-mode[[:space:]]' "$conf"; then
				explicit=1
			fi
			if [ -z "$explicit" ]; then
				set -- redis-server "$@" --protected-mode no
			else
				set -- redis-server "$@"
			fi
			;;
	esac
fi

# use a private umask for the data files unless one was chosen already
if [ "$(umask)" = '0022' ]; then
	umask 0077
fi

exec "$@"
