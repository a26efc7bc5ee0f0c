#!/usr/bin/env bash
# Entrypoint of the Slipway postgres stand-in. It follows the documented behaviour of the
# official postgres image:
#  - arguments starting with "-" are options for the postgres server;
#  - started as root, it prepares $PGDATA and the socket folder and re-runs itself as the
#    postgres user;
#  - on an empty $PGDATA it runs initdb with POSTGRES_USER / POSTGRES_PASSWORD (or the
#    matching *_FILE variables), allows password logins (scram-sha-256) from any host,
#    creates POSTGRES_DB and runs /docker-entrypoint-initdb.d/* once, on a temporary
#    server that listens only on the Unix socket;
#  - a $PGDATA that already holds a cluster is used as it is.
set -Eeo pipefail

# VAR may also be given as VAR_FILE (the path of a file holding the value, e.g. a secret)
file_env() {
	local var="$1" fileVar="${1}_FILE" def="${2:-}"
	if [ "${!var:-}" ] && [ "${!fileVar:-}" ]; then
		printf >&2 'error: both %s and %s are set, use only one of them\n' "$var" "$fileVar"
		exit 1
	fi
	local val="$def"
	if [ "${!var:-}" ]; then
		val="${!var}"
	elif [ "${!fileVar:-}" ]; then
		val="$(< "${!fileVar}")"
	fi
	export "$var"="$val"
	unset "$fileVar"
}

log() {
	printf '%s\n' "$*"
}

# run SQL from stdin against the temporary server; used for POSTGRES_DB and *.sql files,
# and available to sourced *.sh init scripts, as in the official image
docker_process_sql() {
	local query_runner=(psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc)
	if [ -n "${POSTGRES_DB:-}" ]; then
		query_runner+=(--dbname "$POSTGRES_DB")
	fi
	PGHOST= PGHOSTADDR= "${query_runner[@]}" "$@"
}

docker_process_init_files() {
	local f
	log
	for f; do
		case "$f" in
			*.sh)
				if [ -x "$f" ]; then
					log "$0: running $f"
					"$f"
				else
					log "$0: sourcing $f"
					. "$f"
				fi
				;;
			*.sql)     log "$0: running $f"; docker_process_sql -f "$f"; log ;;
			*.sql.gz)  log "$0: running $f"; gunzip -c "$f" | docker_process_sql; log ;;
			*.sql.xz)  log "$0: running $f"; xzcat "$f" | docker_process_sql; log ;;
			*.sql.zst) log "$0: running $f"; zstd -dc "$f" | docker_process_sql; log ;;
			*)         log "$0: ignoring $f" ;;
		esac
		log
	done
}

setup_env() {
	file_env 'POSTGRES_PASSWORD'
	file_env 'POSTGRES_USER' 'postgres'
	file_env 'POSTGRES_DB' "$POSTGRES_USER"
	file_env 'POSTGRES_INITDB_ARGS'
	: "${POSTGRES_HOST_AUTH_METHOD:=}"
	DATABASE_ALREADY_EXISTS=
	if [ -s "$PGDATA/PG_VERSION" ]; then
		DATABASE_ALREADY_EXISTS=true
	fi
}

check_password() {
	if [ -z "$POSTGRES_PASSWORD" ] && [ "$POSTGRES_HOST_AUTH_METHOD" != 'trust' ]; then
		cat >&2 <<-'EOM'
			Error: Database is uninitialized and superuser password is not specified.
			       Set POSTGRES_PASSWORD to a non-empty value to choose the password of the
			       superuser, for example: docker run -e POSTGRES_PASSWORD=secret postgres

			       Alternatively, POSTGRES_HOST_AUTH_METHOD=trust lets anyone connect
			       without a password. Only use that for throw-away experiments; see
			       https://www.postgresql.org/docs/current/auth-trust.html
		EOM
		exit 1
	fi
	if [ "$POSTGRES_HOST_AUTH_METHOD" = 'trust' ]; then
		cat >&2 <<-'EOM'
			********************************************************************************
			WARNING: POSTGRES_HOST_AUTH_METHOD is "trust": every client that can reach this
			         server may connect as any user, superuser included, without a password.
			         Set POSTGRES_PASSWORD and drop POSTGRES_HOST_AUTH_METHOD for anything
			         that is not a throw-away experiment.
			********************************************************************************
		EOM
	fi
}

init_database_dir() {
	local pwfile=
	if [ -n "$POSTGRES_PASSWORD" ]; then
		pwfile='--pwfile=<(printf "%s\n" "$POSTGRES_PASSWORD")'
	fi
	if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
		set -- --waldir "$POSTGRES_INITDB_WALDIR" "$@"
	fi
	# POSTGRES_INITDB_ARGS is a shell-quoted string, as in the official image
	eval 'initdb --username="$POSTGRES_USER" '"$pwfile"' '"$POSTGRES_INITDB_ARGS"' "$@"'
}

setup_hba() {
	local auth="$POSTGRES_HOST_AUTH_METHOD"
	if [ -z "$auth" ]; then
		auth='scram-sha-256'
		if [[ "$POSTGRES_INITDB_ARGS" == *'--auth-host=md5'* ]] || [[ "$POSTGRES_INITDB_ARGS" == *'password_encryption=md5'* ]]; then
			auth='md5'
		fi
	fi
	{
		printf '\n'
		if [ "$auth" = 'trust' ]; then
			printf '# warning: trust is enabled for all connections\n'
		fi
		printf '# added by the container entrypoint: connections from any host\n'
		printf 'host all all all %s\n' "$auth"
	} >> "$PGDATA/pg_hba.conf"
}

temp_server_start() {
	if [ "${1:-}" = 'postgres' ]; then
		shift
	fi
	# the user's server options apply, but only the Unix socket listens: nobody outside
	# the container sees a half-initialised database
	set -- "$@" -c listen_addresses='' -p "${PGPORT:-5432}"
	PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -o "$(printf '%q ' "$@")" -w start
}

temp_server_stop() {
	PGUSER="$POSTGRES_USER" pg_ctl -D "$PGDATA" -m fast -w stop
}

setup_db() {
	local exists
	exists="$(POSTGRES_DB= docker_process_sql --dbname postgres --set db="$POSTGRES_DB" --tuples-only <<-'EOSQL'
		SELECT 1 FROM pg_database WHERE datname = :'db' ;
	EOSQL
	)"
	if [ -z "$exists" ]; then
		POSTGRES_DB= docker_process_sql --dbname postgres --set db="$POSTGRES_DB" <<-'EOSQL'
			CREATE DATABASE :"db" ;
		EOSQL
		log
	fi
}

# informational runs (postgres --version, --help, -C ...) need no database
want_help() {
	local arg
	for arg; do
		case "$arg" in
			-'?'|--help|--describe-config|-V|--version) return 0 ;;
		esac
	done
	if [ "${1:-}" = 'postgres' ]; then
		shift
	fi
	local prev=
	for arg; do
		if [ "$prev" = '-C' ] || [[ "$arg" == -C?* ]]; then
			return 0
		fi
		prev="$arg"
	done
	return 1
}

main() {
	if [ "${1:0:1}" = '-' ]; then
		set -- postgres "$@"
	fi

	if [ "$1" = 'postgres' ] && ! want_help "$@" && [ "$(id -u)" = '0' ]; then
		mkdir -p "$PGDATA"
		find "$PGDATA" \! -user postgres -exec chown postgres '{}' +
		chmod 00700 "$PGDATA" || :
		mkdir -p /var/run/postgresql
		find /var/run/postgresql \! -user postgres -exec chown postgres '{}' +
		chmod 03775 /var/run/postgresql || :
		if [ -n "${POSTGRES_INITDB_WALDIR:-}" ]; then
			mkdir -p "$POSTGRES_INITDB_WALDIR"
			find "$POSTGRES_INITDB_WALDIR" \! -user postgres -exec chown postgres '{}' +
			chmod 700 "$POSTGRES_INITDB_WALDIR"
		fi
		exec setpriv --reuid=postgres --regid=postgres --init-groups "${BASH_SOURCE[0]}" "$@"
	fi

	if [ "$1" = 'postgres' ] && ! want_help "$@"; then
		setup_env
		if [ -z "$DATABASE_ALREADY_EXISTS" ]; then
			check_password
			if [ ! -w "$PGDATA" ]; then
				printf >&2 'error: %s is not writable by user %s\n' "$PGDATA" "$(id -u)"
				exit 1
			fi
			init_database_dir
			setup_hba

			export PGPASSWORD="${PGPASSWORD:-$POSTGRES_PASSWORD}"
			temp_server_start "$@"
			setup_db
			shopt -s nullglob
			docker_process_init_files /docker-entrypoint-initdb.d/*
			shopt -u nullglob
			temp_server_stop
			unset PGPASSWORD

			log
			log 'PostgreSQL init process complete; ready for start up.'
			log
		else
			log
			log 'PostgreSQL Database directory appears to contain a database; Skipping initialization'
			log
		fi
	fi

	exec "$@"
}

main "$@"
