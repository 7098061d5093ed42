#!/usr/bin/env bash
# Runs one member of the local stack and keeps it running, as Kubernetes' restart policy and
# overmind do: a member that exits while nobody asked it to stop is started again after a pause
# that doubles with each quick failure (1 s, 2 s, 4 s … 30 s; back to 1 s once it has run for
# a minute), and the terminal is told why it ended (its exit status and its last log lines) and
# how many restarts it has had. SIGTERM stops the member (SIGTERM, then SIGKILL after
# STOP_TIMEOUT seconds) and then the supervisor. run.sh starts one per member.
#
#   supervise.sh --name NAME --log FILE [--ready-url URL] -- COMMAND [ARGUMENTS...]
#
# --log        the file the member's standard output and error are appended to
# --ready-url  polled after a restart, to say when the member is ready again
#
# What it says goes to standard error, one line per change of state, in the form the terminal
# view of run.sh uses: "HH:MM:SS <name> <what happened>".
set -u

name="" log="" ready_url=""
while [ $# -gt 0 ]; do
    case $1 in
    --name) name=$2; shift 2 ;;
    --log) log=$2; shift 2 ;;
    --ready-url) ready_url=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "supervise.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
[ -n "$name" ] && [ -n "$log" ] && [ $# -gt 0 ] ||
    { echo "usage: supervise.sh --name NAME --log FILE [--ready-url URL] -- COMMAND [ARGUMENTS...]" >&2; exit 2; }

STOP_TIMEOUT=${STOP_TIMEOUT:-10}
# A member that ran this long before failing gets the shortest pause again.
HEALTHY_RUN_SECONDS=60
MAX_PAUSE_SECONDS=30
LAST_LINES=12

tell() { printf '\033[1m%s %-28s %s\033[0m\n' "$(date +%H:%M:%S)" "$name" "$*" >&2; }

# How a wait status reads: "exit status 1", or "killed by SIGKILL" for 128 + n.
describe_status() {
    local status=$1
    if [ "$status" -gt 128 ] && signal=$(kill -l $((status - 128)) 2>/dev/null); then
        echo "killed by SIG$signal"
    else
        echo "exit status $status"
    fi
}

# 75 s reads "1m15s".
duration() {
    local seconds=$1
    if [ "$seconds" -ge 60 ]; then echo "$((seconds / 60))m$((seconds % 60))s"; else echo "${seconds}s"; fi
}

# The last lines the member wrote: its crash report, from the report's first line when the
# Swift runtime wrote one (the lines after it are a backtrace), else simply the last lines.
last_lines() {
    local crash
    crash=$(grep -n -E '^(\*\*\* |💣 |Fatal error|.*: cannot start: )' "$log" 2>/dev/null | tail -1 | cut -d: -f1)
    if [ -n "$crash" ]; then tail -n +"$crash" "$log" | head -n "$LAST_LINES"; else tail -n "$LAST_LINES" "$log"; fi |
        cut -c1-400 | sed 's/^/      | /' >&2
}

stopping=0
member=""
deadline=""
poller=""
pause_timer=""
# Asked to stop: the member gets SIGTERM, and STOP_TIMEOUT seconds (a timer) before SIGKILL.
stop() {
    stopping=1
    [ -n "$pause_timer" ] && kill "$pause_timer" 2>/dev/null
    if [ -n "$member" ] && [ -z "$deadline" ] && kill -TERM "$member" 2>/dev/null; then
        sleep "$STOP_TIMEOUT" &
        deadline=$!
    fi
}
trap stop TERM INT HUP

# Waits until the member has exited, through the signals that interrupt `wait`; sets `status`.
wait_for_member() {
    local ended
    while :; do
        ended=""
        wait -n -p ended "$member" ${deadline:+"$deadline"} 2>/dev/null
        status=$?
        [ "${ended:-}" = "$member" ] && return 0
        if [ -n "$deadline" ] && [ "${ended:-}" = "$deadline" ]; then
            tell "did not stop within ${STOP_TIMEOUT}s of SIGTERM; killing it"
            kill -KILL "$member" 2>/dev/null
            deadline=""
        fi
    done
}

# After a restart: say when the member answers its readiness URL, unless it ends first.
announce_readiness() {
    [ -n "$ready_url" ] || return 0
    local started=$SECONDS
    (
        until curl -fsS -o /dev/null --max-time 2 "$ready_url" 2>/dev/null; do sleep 0.5; done
        tell "is ready again ($(duration $((SECONDS - started))) after its restart)"
    ) &
    poller=$!
}

restarts=0
pause=1
while :; do
    "$@" >>"$log" 2>&1 </dev/null &
    member=$!
    started=$SECONDS
    [ $restarts -gt 0 ] && { tell "restarted (restart $restarts)"; announce_readiness; }
    wait_for_member
    member=""
    for helper in $poller $deadline; do kill "$helper" 2>/dev/null; wait "$helper" 2>/dev/null; done
    poller="" deadline=""
    ran=$((SECONDS - started))
    if [ $stopping = 1 ]; then
        [ $restarts -gt 0 ] && tell "stopped after $restarts restart(s)"
        exit 0
    fi

    [ $ran -ge $HEALTHY_RUN_SECONDS ] && pause=1
    restarts=$((restarts + 1))
    tell "exited unexpectedly ($(describe_status "$status")) after $(duration $ran); restart $restarts in ${pause}s; its last lines ($log):"
    last_lines
    # The pause ends early when the stack stops (the signal interrupts `wait`).
    sleep "$pause" &
    pause_timer=$!
    wait $pause_timer 2>/dev/null
    pause_timer=""
    [ $stopping = 1 ] && exit 0
    pause=$((pause * 2 > MAX_PAUSE_SECONDS ? MAX_PAUSE_SECONDS : pause * 2))
done
