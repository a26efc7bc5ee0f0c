# Slipway shell integration: tells the server each time a command finished, so that checks are
# re-evaluated at once. After every command bash prints a private OSC sequence that the server
# strips from the terminal output before anyone sees it:
#   ESC ] 6973 ; prompt ; <exit code> ; <command line, base64> BEL
# Sourced by /etc/slipway/bashrc in the sandbox image and by the local driver's rcfile.
[ -n "${BASH_VERSION:-}" ] || return 0
[ -z "${__slipway_integrated:-}" ] || return 0
__slipway_integrated=1

# Record every command, repeated or not, so "the last history line" is the command that just ran.
HISTCONTROL=
HISTIGNORE=

# PS0 is expanded when a command line is accepted and before it runs. The arithmetic in the
# array subscript sets the flag in this shell (no subshell) and expands to nothing. An empty
# Enter or Ctrl-C at the prompt never sets it, so those do not count as commands.
__slipway_ran=
PS0='${__slipway_unused[__slipway_ran=1]-}'"${PS0:-}"
# bash before 4.4 (macOS's 3.2, for the local driver) has no PS0: report at every prompt.
if (( BASH_VERSINFO[0] < 4 || (BASH_VERSINFO[0] == 4 && BASH_VERSINFO[1] < 4) )); then
  __slipway_ran=always
fi

__slipway_prompt() {
  local code=$?
  if [[ -n $__slipway_ran ]]; then
    [[ $__slipway_ran == always ]] || __slipway_ran=
    # The history file is kept current for checks that look at the commands a learner ran.
    builtin history -a 2>/dev/null
    local line
    line=$(HISTTIMEFORMAT='' builtin history 1)
    line=${line#*[0-9]  }
    builtin printf '\033]6973;prompt;%d;%s\007' "$code" "$(builtin printf '%s' "$line" | base64 -w0)"
  fi
  return $code
}

# First, so that $? is still the exit code of the learner's command.
PROMPT_COMMAND="__slipway_prompt${PROMPT_COMMAND:+; $PROMPT_COMMAND}"
