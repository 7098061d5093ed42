#!/usr/bin/env bash
# `make run`: builds and starts the whole local stack, and stops it on Ctrl-C.
#
# PostgreSQL and Redis run from .local/ on loopback ports of their own (so a system-wide server
# does not get in the way); every service that exists and the gateway run from the build folder.
# Each process logs to .local/logs/<name>.log, and all of them to this terminal, prefixed.
#
# Settings (environment): CONFIGURATION (debug or release, default debug), PG_PORT (15432),
# REDIS_PORT (16379), ADMIN_EMAIL and ADMIN_PASSWORD (the first admin account), LOG_LEVEL.
source "$(dirname "$0")/lib.sh"

CONFIGURATION=${CONFIGURATION:-debug}
PG_PORT=${PG_PORT:-15432}
REDIS_PORT=${REDIS_PORT:-16379}
export ADMIN_EMAIL=${ADMIN_EMAIL:-admin@azora.local}
export ADMIN_PASSWORD=${ADMIN_PASSWORD:-azora-admin-local-only}
export LOG_LEVEL=${LOG_LEVEL:-info}

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

PIDS=()
stop_everything() {
    trap - INT TERM EXIT
    say "stopping"
    [ ${#PIDS[@]} -gt 0 ] && kill -TERM "${PIDS[@]}" 2>/dev/null || true
    local waited=0
    while [ $waited -lt 100 ] && kill -0 "${PIDS[@]}" 2>/dev/null; do sleep 0.1; waited=$((waited + 1)); done
    [ ${#PIDS[@]} -gt 0 ] && kill -KILL "${PIDS[@]}" 2>/dev/null || true
    stop_redis "$REDIS_FOLDER" "$REDIS_PORT"
    stop_postgres "$PG_FOLDER"
    say "stopped"
}
trap stop_everything EXIT
# Ctrl-C is how the stack is meant to stop: a clean exit, not an error.
trap 'exit 0' INT TERM

say "starting PostgreSQL on 127.0.0.1:$PG_PORT and Redis on 127.0.0.1:$REDIS_PORT"
start_postgres "$PG_FOLDER" "$PG_PORT"
start_redis "$REDIS_FOLDER" "$REDIS_PORT"
create_service_roles "$PG_PORT"

# Starts one executable with its settings; its output goes to its log file and, prefixed, here.
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
    : >"$LOGS/$name.log"
    env "${environment[@]}" "$BIN_DIR/$name" \
        > >(tee -a "$LOGS/$name.log" | sed -u "s/^/$(printf '%-28s' "[$name]")/") 2>&1 &
    PIDS+=($!)
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

ROWS=$(fleet_rows)
while read -r name port schema; do
    [ "$name" = gateway ] || start_member "$name" "$port" "$schema"
done <<<"$ROWS"
start_member gateway 8080 -

say "waiting until every service is ready"
while read -r name port _; do
    wait_until_ready "http://127.0.0.1:$port/health/ready" 120 ||
        die "$name is not ready after 120 s; see $LOGS/$name.log"
done <<<"$ROWS"

say "the local stack is ready"
{
    printf '  %-28s %s\n' gateway "http://127.0.0.1:8080  (the public entry point)"
    while read -r name port _; do
        [ "$name" = gateway ] || printf '  %-28s %s\n' "$name" "http://127.0.0.1:$port"
    done <<<"$ROWS"
    printf '  %-28s %s\n' PostgreSQL "postgres://postgres@127.0.0.1:$PG_PORT/azora (one schema and role per service)"
    printf '  %-28s %s\n' Redis "redis://127.0.0.1:$REDIS_PORT"
    printf '  %-28s %s\n' "first admin" "$ADMIN_EMAIL / $ADMIN_PASSWORD"
    printf '  %-28s %s\n' logs "$LOGS/<name>.log"
    printf '  %-28s %s\n' mail "$MAIL_DROP_FOLDER (each message as an .eml file; set SMTP_URL to send for real)"
    printf '  Ctrl-C stops everything.\n'
} >&2

# Stay in the foreground until Ctrl-C, or until a member exits on its own.
wait -n "${PIDS[@]}" || true
say "a process of the stack exited; see $LOGS"
exit 1
