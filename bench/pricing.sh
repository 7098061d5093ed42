#!/usr/bin/env bash
# azora-pricing's quote: a 10-item cart against 50 active rules (10 strategies, one of each kind
# and more, 36 promotions, 4 coupons the cart names), on one server with durable commits:
#   1. latency: wrk at LATENCY_CLIENTS connections: p50 and p99 as the client sees them, and the
#      p99 the service's own request histogram reports (a bucket's upper bound). One connection
#      by default: the target is the time a quote takes; with more, on 2 cores shared with wrk
#      and PostgreSQL, quotes wait for each other, which is what the second phase measures;
#   2. throughput: wrk at CLIENTS connections: quotes/s, and their latency under that load.
# Every quote is signed and stored, as in production.
#
# Settings (environment): LATENCY_CLIENTS (1), CLIENTS (32), DURATION (15s).
source "$(dirname "$0")/../deploy/local/lib.sh"
source "$(dirname "$0")/lib.sh"

LATENCY_CLIENTS=${LATENCY_CLIENTS:-1}
CLIENTS=${CLIENTS:-32}
DURATION=${DURATION:-15s}

ensure_packages "${BASE_PACKAGES[@]}" python3 wrk

build_release auth-service azora-pricing
start_scratch_stack
COMMON=()
start_auth_service
PRICING_PORT=$(free_port)
env "${COMMON[@]}" PORT="$PRICING_PORT" DATABASE_URL="$(service_database_url pricing "$PG_PORT")" \
    QUOTE_SIGNING_KEY="$(random_secret)" DATABASE_MAX_CONNECTIONS=16 "$BIN/azora-pricing" >"$SCRATCH/pricing.log" 2>&1 &
PIDS+=($!)
wait_for_ports "$AUTH_PORT" "$PRICING_PORT"
PRICING="http://127.0.0.1:$PRICING_PORT"
TOKEN=$(admin_token "http://127.0.0.1:$AUTH_PORT")

say "setting up 10 products and 50 rules"
python3 - "$PRICING" "$TOKEN" >"$SCRATCH/quote.json" <<'PY'
import datetime, json, sys, urllib.request
base, token = sys.argv[1], sys.argv[2]
def call(method, path, body):
    request = urllib.request.Request(base + path, method=method, data=json.dumps(body).encode(),
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    with urllib.request.urlopen(request) as answer:
        assert answer.status in (200, 201), (path, answer.status)
now = datetime.datetime.now(datetime.timezone.utc)
stamp = lambda delta: (now + datetime.timedelta(hours=delta)).strftime("%Y-%m-%dT%H:%M:%SZ")
refs = ["course:bench-%d" % n for n in range(10)]
for n, ref in enumerate(refs):
    call("PUT", "/pricing/products/" + ref, {"title": "Bench course %d" % n, "category": "cat-%d" % (n % 3)})
    call("POST", "/pricing/products/%s/prices" % ref, {"amount": 2999 + 1000 * n, "currency": "USD"})
    call("POST", "/pricing/products/%s/prices" % ref, {"amount": 99900 + 10000 * n, "currency": "INR", "country": "IN"})
strategies = [
    {"kind": "time", "windows": [{"name": "launch", "startsAt": stamp(-1), "endsAt": stamp(24), "adjustmentBps": -1500}]},
    {"kind": "demand", "windowHours": 24, "tiers": [{"minEnrollments": 1, "adjustmentBps": 500}]},
    {"kind": "capacity", "capacity": 30, "tiers": [{"minFilledPercent": 0, "adjustmentBps": 200}]},
    {"kind": "experiment", "experimentKey": "bench-test", "variants": [
        {"name": "control", "weight": 1, "adjustmentBps": 0}, {"name": "higher", "weight": 1, "adjustmentBps": 1000}]},
]
for n, ref in enumerate(refs):
    call("PUT", "/pricing/products/%s/strategy" % ref, dict(strategies[n % 4], floorBps=7000, ceilingBps=13000))
for n in range(36):
    kind = ("flash_sale", "volume", "bundle")[n % 3]
    body = {"name": "promotion %d" % n, "kind": kind, "endsAt": stamp(48)}
    if kind == "flash_sale":
        body.update(percentBps=100 + 10 * n, productRefs=[refs[n % 10]])
    elif kind == "volume":
        body.update(tiers=[{"minQuantity": 3 + n % 5, "percentBps": 200 + n}], categories=["cat-%d" % (n % 3)])
    else:
        body.update(percentBps=300 + n, productRefs=[refs[n % 10], refs[(n + 3) % 10]])
    call("POST", "/pricing/promotions", body)
for n in range(4):
    body = {"code": "BENCH%d" % n, "maxRedemptions": 1000000}
    body.update({"kind": "percentage", "percentBps": 500 + n} if n % 2 == 0 else
                {"kind": "fixed", "amount": {"amount": 100 + n, "currency": "USD"}})
    call("POST", "/pricing/coupons", body)
print(json.dumps({"items": [{"productRef": ref, "quantity": 1 + n % 3} for n, ref in enumerate(refs)],
                  "currency": "USD", "country": "DE", "couponCodes": ["BENCH0", "BENCH1", "BENCH2", "BENCH3"]}))
PY
STATUS=$(curl -sS -o "$SCRATCH/first-quote.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' --data-binary @"$SCRATCH/quote.json" "$PRICING/pricing/quote")
[ "$STATUS" = 201 ] || die "the bench quote answered $STATUS: $(cat "$SCRATCH/first-quote.json")"
python3 -c '
import json, sys
quote = json.load(open(sys.argv[1]))
applied = sum(1 for rule in quote["rules"] if rule["applied"])
print("  one quote: %d lines, %d rules considered, %d applied, total %d %s" % (
    len(quote["lines"]), len(quote["rules"]), applied, quote["total"], quote["currency"]))' "$SCRATCH/first-quote.json"

cat >"$SCRATCH/quote.lua" <<LUA
wrk.method = "POST"
wrk.body = io.open("$SCRATCH/quote.json"):read("*a")
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA

# One wrk run of quotes at N connections; prints "requests/s p50-ms p99-ms".
run_wrk() {
    wrk_summary 2 "$1" -d"$DURATION" -s "$SCRATCH/quote.lua" "$PRICING/pricing/quote"
}

# The p99 of POST /pricing/quote from the service's own latency histogram: the upper bound of the
# first bucket holding 99% of the requests.
service_p99() {
    curl -fsS "$PRICING/metrics" | awk '
        /^http_request_duration_seconds_bucket/ && /\/pricing\/quote"/ && /POST/ {
            match($0, /le="[^"]+"/); le = substr($0, RSTART + 4, RLENGTH - 5); count[le] = $NF; order[++n] = le }
        END { total = count["+Inf"]; for (i = 1; i <= n; i++) if (count[order[i]] >= 0.99 * total) { printf "%.1f", order[i] * 1000; exit } }'
}

# Quotes the service has answered so far, from its request counter.
quote_count() {
    curl -fsS "$PRICING/metrics" | awk '/^http_requests_total/ && /\/pricing\/quote"/ && /POST/ { n += $NF } END { printf "%d\n", n }'
}

say "latency: $LATENCY_CLIENTS connections, $DURATION"
PRICING_PID=${PIDS[-1]}
SERVICE_CPU=$(cpu_ms "$PRICING_PID")
POSTGRES_CPU=$(postgres_cpu_ms)
QUOTES_BEFORE=$(quote_count)
read -r RPS P50 P99 < <(run_wrk "$LATENCY_CLIENTS")
[ -n "$P99" ] || die "wrk measured nothing; see the service's log: $(tail -5 "$SCRATCH/pricing.log")"
QUOTES=$(( $(quote_count) - QUOTES_BEFORE ))
SERVICE_CPU=$(( $(cpu_ms "$PRICING_PID") - SERVICE_CPU ))
POSTGRES_CPU=$(( $(postgres_cpu_ms) - POSTGRES_CPU ))
SERVICE_P99=$(service_p99)
printf '  %s quotes/s  p50 %s ms  p99 %s ms (client); service histogram p99 ≤ %s ms\n' "$RPS" "$P50" "$P99" "$SERVICE_P99"
# CPU per quote varies less with the machine's speed of the hour than latency does.
awk -v n="$QUOTES" -v s="$SERVICE_CPU" -v p="$POSTGRES_CPU" \
    'BEGIN { printf "  CPU per quote: azora-pricing %.2f ms, PostgreSQL %.2f ms (%d quotes)\n", s / n, p / n, n }'

say "throughput: $CLIENTS connections, $DURATION"
read -r RPS_LOADED P50_LOADED P99_LOADED < <(run_wrk "$CLIENTS")
printf '  %s quotes/s  p50 %s ms  p99 %s ms (client)\n' "$RPS_LOADED" "$P50_LOADED" "$P99_LOADED"

say "quote p99 at $LATENCY_CLIENTS connections: ≤ $SERVICE_P99 ms at the service, $P99 ms at the client (target under 5 ms at the service); $RPS_LOADED quotes/s at $CLIENTS connections"
