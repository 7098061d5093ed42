# What the benchmarks share: release builds, a scratch PostgreSQL and Redis that go away on exit,
# auth-service with a first admin, and that admin's token. Source it after deploy/local/lib.sh.

# Builds the products in release mode, one per call (`swift build` honours only the last
# --product it is given), and sets BIN to the folder of the executables.
build_release() {
    say "building $* (release)"
    local product
    for product in "$@"; do
        (cd "$AZORA_ROOT" && swift build -c release --product "$product")
    done
    BIN=$(cd "$AZORA_ROOT" && swift build -c release --show-bin-path)
}

# Creates SCRATCH with a running PostgreSQL (PG_PORT, database azora with the service roles) and
# Redis (REDIS_PORT); everything started later and added to PIDS is stopped on exit.
start_scratch_stack() {
    SCRATCH=$(mktemp -d /tmp/azora-bench.XXXXXX)
    chmod 755 "$SCRATCH"
    PG_PORT=$(free_port)
    REDIS_PORT=$(free_port)
    PIDS=()
    trap stop_scratch_stack EXIT
    trap 'exit 130' INT TERM
    start_postgres "$SCRATCH/postgres" "$PG_PORT"
    start_redis "$SCRATCH/redis" "$REDIS_PORT"
    create_service_roles "$PG_PORT"
}

stop_scratch_stack() {
    [ ${#PIDS[@]} -gt 0 ] && kill -TERM "${PIDS[@]}" 2>/dev/null
    wait 2>/dev/null
    stop_redis "$SCRATCH/redis" "$REDIS_PORT"
    stop_postgres "$SCRATCH/postgres"
    rm -rf "$SCRATCH"
}

# Starts auth-service on AUTH_PORT with a first admin (ADMIN_EMAIL, ADMIN_PASSWORD) whose
# tokens last an hour. Extra NAME=value settings for every service go in COMMON.
start_auth_service() {
    AUTH_PORT=$(free_port)
    ADMIN_EMAIL=bench@azora.local
    ADMIN_PASSWORD=bench-password-$(random_secret)
    COMMON+=(REDIS_URL="redis://127.0.0.1:$REDIS_PORT" LOG_LEVEL=warning AUTH_SERVICE_URL="http://127.0.0.1:$AUTH_PORT"
             MAIL_DROP_FOLDER="$SCRATCH/mail")
    env "${COMMON[@]}" PORT="$AUTH_PORT" DATABASE_URL="$(service_database_url auth "$PG_PORT")" \
        KEY_ENCRYPTION_KEY="$(random_secret)" ADMIN_EMAIL="$ADMIN_EMAIL" ADMIN_PASSWORD="$ADMIN_PASSWORD" \
        ACCESS_TOKEN_TTL=3600 "$BIN/auth-service" >"$SCRATCH/auth.log" 2>&1 &
    PIDS+=($!)
}

# Waits for each port's /health/ready; on failure shows every log (the scratch folder goes on exit).
wait_for_ports() {
    local port log
    for port in "$@"; do
        wait_until_ready "http://127.0.0.1:$port/health/ready" 60 && continue
        for log in "$SCRATCH"/*.log; do printf '%s:\n' "$log"; tail -n 20 "$log"; done >&2
        die "a service did not start"
    done
}

# The admin's access token, from a login at BASE_URL (auth-service itself, or the gateway).
admin_token() {
    curl -fsS -H 'Content-Type: application/json' -d "{\"email\":\"$ADMIN_EMAIL\",\"password\":\"$ADMIN_PASSWORD\"}" \
        "$1/auth/login" | python3 -c 'import json, sys; print(json.load(sys.stdin)["accessToken"])'
}

# One wrk run with --latency, printed as "requests/s p50-ms p99-ms"; fails on any answer other
# than 2xx. Usage: wrk_summary THREADS CONNECTIONS WRK-ARGUMENTS... wrk needs a connection per
# thread, so the threads are capped at the connections.
wrk_summary() {
    local threads=$1 connections=$2
    shift 2
    wrk -t"$(( threads < connections ? threads : connections ))" -c"$connections" --latency "$@" | awk '
        function ms(v,   unit) { unit = v; gsub(/[0-9.]/, "", unit); gsub(/[a-z]/, "", v)
                                 return (unit == "us") ? v / 1000 : (unit == "s") ? v * 1000 : v }
        /Requests\/sec/ { rps = $2 }
        /^ +50%/ { p50 = ms($2) }
        /^ +99%/ { p99 = ms($2) }
        / Non-2xx/ { bad = $NF }
        END { if (bad > 0) { print "non-2xx answers: " bad > "/dev/stderr"; exit 1 } printf "%.0f %.2f %.2f\n", rps, p50, p99 }'
}

# Resident memory of a process.
rss() { awk '/VmRSS/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$1/status"; }

# CPU time (user + system) the processes given have used so far, in milliseconds.
cpu_ms() {
    local pid
    for pid in "$@"; do sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null; done |
        awk -v hz="$(getconf CLK_TCK)" '{ ticks += $12 + $13 } END { printf "%.0f\n", ticks * 1000 / hz }'
}

# The scratch PostgreSQL's processes: the postmaster and its children (the backends).
postgres_pids() {
    local postmaster
    postmaster=$(head -1 "$SCRATCH/postgres/data/postmaster.pid")
    echo "$postmaster" $(pgrep -P "$postmaster")
}

# CPU time the scratch PostgreSQL has used so far, in milliseconds: its running processes, and
# the backends that have exited (the postmaster's reaped children), such as pgbench's.
postgres_cpu_ms() {
    local postmaster
    postmaster=$(head -1 "$SCRATCH/postgres/data/postmaster.pid")
    echo $(( $(cpu_ms $(postgres_pids)) + $(sed 's/.*) //' "/proc/$postmaster/stat" |
        awk -v hz="$(getconf CLK_TCK)" '{ printf "%.0f", ($14 + $15) * 1000 / hz }') ))
}

# The median of the numbers given.
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
