# $ME: the learner's own namespace in the workshop registry (registry.workshop:5000/$ME/...),
# which the server writes to /run/slipway/namespace when it gives this sandbox to a learner. A
# value the learner set themselves is kept (the registry takes their pushes only under their own
# namespace anyway). Sourced by every bash: interactive ones through /etc/slipway/bashrc,
# others (scripts, `bash -c`) through BASH_ENV.
if [[ -z ${ME-} && -r /run/slipway/namespace ]]; then
  read -r ME < /run/slipway/namespace && export ME
fi
