#!/usr/bin/env bash
# The gateway against nginx: wrk sends the same authenticated GET to user-service once through
# the gateway (token verification and rate limiting on) and once through nginx configured as a
# plain reverse proxy to the same service, in alternating rounds. Prints requests/s and p99 of
# each round, the medians, their ratio, and each process's idle resident memory.
#
# Settings (environment): ROUNDS (3), DURATION (10s), CONNECTIONS (32), THREADS (2), WARMUP (3s).
source "$(dirname "$0")/../deploy/local/lib.sh"
source "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
WARMUP=${WARMUP:-3s}
THREADS=${THREADS:-2}

ensure_packages "${BASE_PACKAGES[@]}" python3 wrk nginx

build_release gateway auth-service user-service
start_scratch_stack
COMMON=()
start_auth_service
USERS_PORT=$(free_port)
GATEWAY_PORT=$(free_port)
NGINX_PORT=$(free_port)
COMMON+=(USER_SERVICE_URL="http://127.0.0.1:$USERS_PORT")

env "${COMMON[@]}" PORT="$USERS_PORT" DATABASE_URL="$(service_database_url users "$PG_PORT")" \
    OBJECT_STORE_FOLDER="$SCRATCH/objects" "$BIN/user-service" >"$SCRATCH/users.log" 2>&1 &
PIDS+=($!)
USERS_PID=$!
# Limits high enough never to refuse, so the gateway does all the work but the bench is not throttled.
env "${COMMON[@]}" PORT="$GATEWAY_PORT" SERVICES=auth-service,user-service \
    RATE_LIMIT_POLICIES='[{"name":"bench","limit":10000000,"windowSeconds":60,"routes":["/**"]}]' \
    "$BIN/gateway" >"$SCRATCH/gateway.log" 2>&1 &
PIDS+=($!)
GATEWAY_PID=$!

cat >"$SCRATCH/nginx.conf" <<NGINX
$([ "$(id -u)" = 0 ] && echo "user nobody nogroup;")
worker_processes auto;
pid $SCRATCH/nginx.pid;
error_log $SCRATCH/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    upstream users { server 127.0.0.1:$USERS_PORT; keepalive 64; }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        location / {
            proxy_pass http://users;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-For \$remote_addr;
        }
    }
}
NGINX
nginx -p "$SCRATCH" -c "$SCRATCH/nginx.conf" -g 'daemon off;' &
PIDS+=($!)
NGINX_PID=$!

wait_for_ports "$AUTH_PORT" "$USERS_PORT" "$GATEWAY_PORT"

# The admin signs in through the gateway; user-service learns of the account through the event bus.
TOKEN=$(admin_token "http://127.0.0.1:$GATEWAY_PORT")
URL_PATH=/users/me
for _ in $(seq 1 100); do
    curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$GATEWAY_PORT$URL_PATH" && break
    sleep 0.1
done
curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$NGINX_PORT$URL_PATH" ||
    die "GET $URL_PATH does not answer through nginx"

say "idle resident memory"
printf '  %-14s %s\n' gateway "$(rss "$GATEWAY_PID")" user-service "$(rss "$USERS_PID")" "nginx (master)" "$(rss "$NGINX_PID")"

# One wrk run; prints "requests/s p50-ms p99-ms" and then, in microseconds of CPU per request,
# what the proxy (the gateway, or nginx's workers), user-service, PostgreSQL and Redis used.
# On two shared cores the proxy's CPU per request is what sets the ratio.
measure() {
    local proxy=$1 url=$2 before after seconds summary
    seconds=${DURATION%s}
    before=($(cpu_ms $proxy) $(cpu_ms "$USERS_PID") $(postgres_cpu_ms) $(cpu_ms "$(cat "$SCRATCH/redis/redis.pid")"))
    summary=$(wrk_summary "$THREADS" "$CONNECTIONS" -d"$DURATION" -H "Authorization: Bearer $TOKEN" "$url")
    after=($(cpu_ms $proxy) $(cpu_ms "$USERS_PID") $(postgres_cpu_ms) $(cpu_ms "$(cat "$SCRATCH/redis/redis.pid")"))
    read -r rps _ _ <<<"$summary"
    echo "$summary" $(for i in 0 1 2 3; do
        awk -v d=$(( after[i] - before[i] )) -v n="$rps" -v s="$seconds" 'BEGIN { printf "%.0f ", d * 1000 / (n * s) }'
    done)
}

NGINX_WORKERS="$NGINX_PID $(pgrep -P "$NGINX_PID" | tr '\n' ' ')"
# Every process starts cold (connection pools, caches, PostgreSQL's buffers), and whichever
# round came first paid for it; one unmeasured run through each first.
say "warming up: ${WARMUP} through each"
for port in "$GATEWAY_PORT" "$NGINX_PORT"; do
    wrk_summary "$THREADS" "$CONNECTIONS" -d"$WARMUP" -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$port$URL_PATH" >/dev/null
done
say "wrk: $ROUNDS alternating rounds of $DURATION, $CONNECTIONS connections, GET $URL_PATH"
say "CPU per request (µs): the proxy, user-service, PostgreSQL, Redis"
gateway_rps=()
nginx_rps=()
for round in $(seq 1 "$ROUNDS"); do
    read -r rps _ p99 proxy users postgres redis < <(measure "$GATEWAY_PID" "http://127.0.0.1:$GATEWAY_PORT$URL_PATH")
    gateway_rps+=("$rps")
    printf '  round %d  gateway  %8s req/s  p99 %7s ms  CPU %5s %5s %5s %5s\n' "$round" "$rps" "$p99" "$proxy" "$users" "$postgres" "$redis"
    read -r rps _ p99 proxy users postgres redis < <(measure "$NGINX_WORKERS" "http://127.0.0.1:$NGINX_PORT$URL_PATH")
    nginx_rps+=("$rps")
    printf '  round %d  nginx    %8s req/s  p99 %7s ms  CPU %5s %5s %5s %5s\n' "$round" "$rps" "$p99" "$proxy" "$users" "$postgres" "$redis"
done

g=$(median "${gateway_rps[@]}")
n=$(median "${nginx_rps[@]}")
say "medians: gateway $g req/s, nginx $n req/s, gateway/nginx = $(awk -v g="$g" -v n="$n" 'BEGIN { printf "%.2f", g / n }') (target at least 0.80)"
