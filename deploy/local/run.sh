#!/usr/bin/env bash
# `make run`: builds and starts the whole local stack, and stops it on Ctrl-C.
#
# PostgreSQL and Redis run from .local/ on loopback ports of their own (so a system-wide server
# does not get in the way); every service that exists and the gateway run from the build folder,
# each under a supervisor (supervise.sh) that restarts it when it exits unexpectedly. Each
# process logs to .local/logs/<name>.log; the terminal shows the stack's changes of state, each
# request once (the gateway's access line) and what members log at notice or above (log_view.py).
#
# Settings (environment): CONFIGURATION (debug or release, default debug), PG_PORT (15432),
# REDIS_PORT (16379), PORT_OFFSET (0; added to every member's port, so that a second stack can
# run beside the first: 1000 puts the gateway on 9080), ADMIN_EMAIL and ADMIN_PASSWORD (the
# first admin account), LOG_LEVEL (info), LOG_VIEW (summary, or all for every line of every log),
# TEST_CLOCKS (true: the administrator may move the fleet's clock, POST /test-clock/advance).
source "$(dirname "$0")/lib.sh"

CONFIGURATION=${CONFIGURATION:-debug}
PG_PORT=${PG_PORT:-15432}
REDIS_PORT=${REDIS_PORT:-16379}
PORT_OFFSET=${PORT_OFFSET:-0}
LOG_VIEW=${LOG_VIEW:-summary}
export ADMIN_EMAIL=${ADMIN_EMAIL:-admin@azora.local}
export ADMIN_PASSWORD=${ADMIN_PASSWORD:-azora-admin-local-only}
export LOG_LEVEL=${LOG_LEVEL:-info}
# The local stack's clock can be moved by its administrator (POST /test-clock/advance); never elsewhere.
export TEST_CLOCKS=${TEST_CLOCKS:-true}

LOCAL="$AZORA_ROOT/.local"
LOGS="$LOCAL/logs"
REDIS_FOLDER="$LOCAL/redis"
mkdir -p "$LOGS"

# PostgreSQL refuses to run as root; when the project folder is closed to the `postgres` user
# (a clone under /root, say) its cluster lives under /var/tmp, linked from .local/postgres.
PG_FOLDER="$LOCAL/postgres"
if [ "$(id -u)" = 0 ] && [ ! -L "$PG_FOLDER" ] && ! runuser -u postgres -- test -x "$LOCAL"; then
    outside="/var/tmp/azora-postgres-$(echo "$AZORA_ROOT" | md5sum | cut -c1-8)"
    say "user postgres cannot reach $LOCAL; the cluster lives in $outside (linked from .local/postgres)"
    mkdir -p "$outside"
    ln -sfn "$outside" "$PG_FOLDER"
fi

ensure_packages "${BASE_PACKAGES[@]}" python3

# Local-only secrets, made once and kept in .local/secrets.env: the key that encrypts
# auth-service's signing keys, azora-pricing's quote-signing key, enrollment-service's
# certificate-signing key, and each service's client secret for service-to-service calls.
SECRETS="$LOCAL/secrets.env"
touch "$SECRETS" && chmod 600 "$SECRETS"
add_secret() { grep -q "^$1=" "$SECRETS" || echo "$1=$(random_secret)" >>"$SECRETS"; }
add_secret KEY_ENCRYPTION_KEY
add_secret QUOTE_SIGNING_KEY
add_secret CERTIFICATE_SIGNING_KEY
while read -r name _ _; do
    [ "$name" = gateway ] || add_secret "CLIENT_SECRET_$(env_name "$name")"
done < <(fleet_rows)
# shellcheck source=/dev/null
source "$SECRETS"
export MAIL_DROP_FOLDER="$LOCAL/mail"
export OBJECT_STORE_FOLDER="$LOCAL/objects"

say "building ($CONFIGURATION)"
(cd "$AZORA_ROOT" && swift build -c "$CONFIGURATION")
BIN_DIR=$(cd "$AZORA_ROOT" && swift build -c "$CONFIGURATION" --show-bin-path)

# Each member's supervisor, by process id.
declare -A SUPERVISORS=()
VIEW=""
stop_everything() {
    trap - INT TERM HUP EXIT
    say "stopping"
    # Each supervisor stops its member (SIGTERM, then SIGKILL after 10 s) before it ends.
    if [ ${#SUPERVISORS[@]} -gt 0 ]; then
        kill -TERM "${!SUPERVISORS[@]}" 2>/dev/null || true
        wait "${!SUPERVISORS[@]}" 2>/dev/null || true
    fi
    [ -n "$VIEW" ] && kill "$VIEW" 2>/dev/null || true
    stop_redis "$REDIS_FOLDER" "$REDIS_PORT"
    stop_postgres "$PG_FOLDER"
    say "stopped"
}
trap stop_everything EXIT
# Ctrl-C is how the stack is meant to stop: a clean exit, not an error.
trap 'exit 0' INT TERM HUP

say "starting PostgreSQL on 127.0.0.1:$PG_PORT and Redis on 127.0.0.1:$REDIS_PORT"
start_postgres "$PG_FOLDER" "$PG_PORT"
start_redis "$REDIS_FOLDER" "$REDIS_PORT"
create_service_roles "$PG_PORT"

# Starts one executable with its settings under its supervisor. The supervisor runs in a
# session of its own, so that Ctrl-C reaches this script only, which then stops every member
# through its supervisor; and it gets SIGTERM should this script die without stopping it.
start_member() {
    local name=$1 port=$2 schema=$3
    local environment=(PORT="$port" REDIS_URL="redis://127.0.0.1:$REDIS_PORT")
    [ "$schema" != - ] && environment+=(DATABASE_URL="$(service_database_url "$schema" "$PG_PORT")")
    [ "$name" = gateway ] && environment+=(SERVICES="$(existing_services)")
    [ "$name" = auth-service ] && environment+=(KEY_ENCRYPTION_KEY="$KEY_ENCRYPTION_KEY" SERVICE_CLIENT_SECRETS="$(client_secrets)")
    [ "$name" = azora-pricing ] && environment+=(QUOTE_SIGNING_KEY="$QUOTE_SIGNING_KEY")
    [ "$name" = enrollment-service ] && environment+=(CERTIFICATE_SIGNING_KEY="$CERTIFICATE_SIGNING_KEY")
    local secret_name
    secret_name="CLIENT_SECRET_$(env_name "$name")"
    [ -n "${!secret_name:-}" ] && environment+=(SERVICE_CLIENT_SECRET="${!secret_name}")
    setsid setpriv --pdeathsig TERM "$AZORA_ROOT/deploy/local/supervise.sh" \
        --name "$name" --log "$LOGS/$name.log" --ready-url "http://127.0.0.1:$port/health/ready" \
        -- env "${environment[@]}" "$BIN_DIR/$name" &
    SUPERVISORS[$!]=$name
}

# auth-service's list of service clients: name:secret,name:secret.
client_secrets() {
    local name secret_name list=()
    while read -r name _ _; do
        secret_name="CLIENT_SECRET_$(env_name "$name")"
        [ -n "${!secret_name:-}" ] && list+=("$name:${!secret_name}")
    done < <(fleet_rows)
    (IFS=,; echo "${list[*]}")
}

# Every member's port, moved by PORT_OFFSET, and the peer URLs that reach them.
ROWS=$(fleet_rows | while read -r name port schema; do echo "$name $((port + PORT_OFFSET)) $schema"; done)
while read -r name port _; do
    [ "$name" = gateway ] || export "$(env_name "$name")_URL=http://127.0.0.1:$port"
done <<<"$ROWS"
GATEWAY_PORT=$(awk '$1 == "gateway" { print $2 }' <<<"$ROWS")

# The terminal's view of the logs, started before the members so that it misses none of them.
while read -r name _ _; do : >"$LOGS/$name.log"; done <<<"$ROWS"
view_options=()
[ "$LOG_VIEW" = all ] && view_options+=(--all)
tail -n0 --pid=$$ -F "${LOGS}"/*.log 2>/dev/null | python3 "$AZORA_ROOT/deploy/local/log_view.py" "${view_options[@]}" &
VIEW=$!

while read -r name port schema; do
    [ "$name" = gateway ] || start_member "$name" "$port" "$schema"
done <<<"$ROWS"
start_member gateway "$GATEWAY_PORT" -

say "waiting until every service is ready"
unready=()
while read -r name port _; do
    wait_until_ready "http://127.0.0.1:$port/health/ready" 120 || unready+=("$name")
done <<<"$ROWS"

if [ ${#unready[@]} -eq 0 ]; then
    say "the local stack is ready"
else
    say "the local stack is up, but not ready after 120 s: ${unready[*]} (their supervisors keep restarting them; see $LOGS)"
fi
{
    printf '  %-28s %s\n' gateway "http://127.0.0.1:$GATEWAY_PORT  (the public entry point)"
    while read -r name port _; do
        [ "$name" = gateway ] || printf '  %-28s %s\n' "$name" "http://127.0.0.1:$port"
    done <<<"$ROWS"
    printf '  %-28s %s\n' PostgreSQL "postgres://postgres@127.0.0.1:$PG_PORT/azora (one schema and role per service)"
    printf '  %-28s %s\n' Redis "redis://127.0.0.1:$REDIS_PORT"
    printf '  %-28s %s\n' "first admin" "$ADMIN_EMAIL / $ADMIN_PASSWORD"
    printf '  %-28s %s\n' logs "$LOGS/<name>.log (here: each request once, and notices, warnings and errors)"
    printf '  %-28s %s\n' mail "$MAIL_DROP_FOLDER (each message as an .eml file; set SMTP_URL to send for real)"
    printf '  A member that exits is restarted; Ctrl-C stops everything.\n'
} >&2

# Stay in the foreground until Ctrl-C. A supervisor ends only when told to; one killed by hand
# leaves its member unsupervised, which is worth saying.
while [ ${#SUPERVISORS[@]} -gt 0 ]; do
    ended=""
    wait -n -p ended "${!SUPERVISORS[@]}" 2>/dev/null || true
    [ -n "$ended" ] || continue
    say "the supervisor of ${SUPERVISORS[$ended]} ended; ${SUPERVISORS[$ended]} is no longer restarted"
    unset "SUPERVISORS[$ended]"
done
