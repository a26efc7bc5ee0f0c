#!/bin/sh
# Turns every /etc/nginx/templates/**/NAME.template into /etc/nginx/conf.d/**/NAME, with
# ${VAR} replaced by the value of environment variable VAR. Only variables that are set
# are replaced, so nginx's own $variables stay as they are. Settings, as in the official
# image: NGINX_ENVSUBST_TEMPLATE_DIR, NGINX_ENVSUBST_TEMPLATE_SUFFIX,
# NGINX_ENVSUBST_OUTPUT_DIR, NGINX_ENVSUBST_FILTER (a regular expression on the names).
set -e

template_dir="${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}"
suffix="${NGINX_ENVSUBST_TEMPLATE_SUFFIX:-.template}"
output_dir="${NGINX_ENVSUBST_OUTPUT_DIR:-/etc/nginx/conf.d}"
filter="${NGINX_ENVSUBST_FILTER:-}"

say() {
	if [ -z "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ]; then
		printf '%s\n' "$0: $*"
	fi
}

[ -d "$template_dir" ] || exit 0
if [ ! -w "$output_dir" ]; then
	say "ERROR: $template_dir exists, but $output_dir is not writable"
	exit 0
fi

# "${A} ${B} ..." for the variables that are set (and match the filter)
defined_envs=$(awk -v f="$filter" 'BEGIN { for (n in ENVIRON) if (n ~ /^[A-Za-z_][A-Za-z0-9_]*$/ && n ~ f) printf "${%s} ", n }')

find "$template_dir" -follow -type f -name "*$suffix" -print | while read -r template; do
	relative="${template#"$template_dir/"}"
	output="$output_dir/${relative%"$suffix"}"
	mkdir -p "$(dirname "$output")"
	say "writing $output from $template"
	envsubst "$defined_envs" < "$template" > "$output"
done
