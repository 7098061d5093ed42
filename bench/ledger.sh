#!/usr/bin/env bash
# The ledger against PostgreSQL's own yardstick, on one server with durable commits:
#   1. ROUNDS rounds, each of pgbench's TPC-B-like script (-M prepared) at CLIENTS clients
#      (transactions/s) and then the ledger taking single transfers over HTTP
#      (POST /ledger/transfers, a fresh id and a random pair of ACCOUNTS accounts each) from wrk
#      at CLIENTS connections (transfers/s): alternating, because this machine's speed drifts
#      by more than the difference being measured; the ratio is of the medians;
#   2. the batch endpoint: BATCHES batches of BATCH_SIZE transfers, 4 at a time: transfers/s;
#      then the wait until the relay has put every transfer's event on the bus (not a target);
# then the integrity check, and the ratios against the targets (single ≥ pgbench; batch ≥ 20,000/s).
#
# Settings (environment): CLIENTS (64), DURATION (10s), ROUNDS (3), ACCOUNTS (1000), SCALE (10,
# pgbench's), BATCHES (40), BATCH_SIZE (5000).
source "$(dirname "$0")/../deploy/local/lib.sh"
source "$(dirname "$0")/lib.sh"

CLIENTS=${CLIENTS:-64}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-3}
ACCOUNTS=${ACCOUNTS:-1000}
SCALE=${SCALE:-10}
BATCHES=${BATCHES:-40}
BATCH_SIZE=${BATCH_SIZE:-5000}

ensure_packages "${BASE_PACKAGES[@]}" python3 wrk

build_release auth-service azora-ledger
start_scratch_stack
COMMON=()
start_auth_service
LEDGER_PORT=$(free_port)
env "${COMMON[@]}" PORT="$LEDGER_PORT" DATABASE_URL="$(service_database_url ledger "$PG_PORT")" \
    DATABASE_MAX_CONNECTIONS=16 "$BIN/azora-ledger" >"$SCRATCH/ledger.log" 2>&1 &
LEDGER_PID=$!
PIDS+=($!)
wait_for_ports "$AUTH_PORT" "$LEDGER_PORT"
LEDGER="http://127.0.0.1:$LEDGER_PORT"
TOKEN=$(admin_token "http://127.0.0.1:$AUTH_PORT")

say "pgbench: initialising scale $SCALE"
as_pg_owner "$(pg_bin)/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -i -q -s "$SCALE" azora >"$SCRATCH/pgbench-init.log" 2>&1 ||
    die "pgbench -i failed: $(tail -3 "$SCRATCH/pgbench-init.log")"

say "opening $ACCOUNTS accounts"
python3 - "$LEDGER" "$TOKEN" "$ACCOUNTS" >"$SCRATCH/accounts.lua" <<'PY'
import json, sys, urllib.request
base, token, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
ids = []
for _ in range(count):
    request = urllib.request.Request(base + "/ledger/accounts", method="POST",
        data=json.dumps({"currency": "USD", "type": "liability"}).encode(),
        headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    ids.append(json.load(urllib.request.urlopen(request))["id"])
print("accounts = {" + ",".join('"%s"' % i for i in ids) + "}")
PY

cat >>"$SCRATCH/accounts.lua" <<LUA
local token = "$TOKEN"
LUA
cat >>"$SCRATCH/accounts.lua" <<'LUA'
-- Each request: a fresh random id (UUID v4) and two different random accounts.
function init(args)
    math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
end
local function uuid()
    return string.format("%08x-%04x-4%03x-%04x-%06x%06x", math.random(0, 0x7fffffff), math.random(0, 0xffff),
        math.random(0, 0xfff), math.random(0x8000, 0xbfff), math.random(0, 0xffffff), math.random(0, 0xffffff))
end
function request()
    local debit = math.random(#accounts)
    local credit = math.random(#accounts - 1)
    if credit >= debit then credit = credit + 1 end
    local body = string.format('{"id":"%s","debitAccountId":"%s","creditAccountId":"%s","amount":%d,"currency":"USD","code":"bench"}',
        uuid(), accounts[debit], accounts[credit], math.random(1, 10000))
    return wrk.format("POST", "/ledger/transfers", { ["Content-Type"] = "application/json",
        ["Authorization"] = "Bearer " .. token }, body)
end
LUA

# CPU time the ledger and PostgreSQL used per transfer during the phase that starts with
# `cpu_mark` and ends with `cpu_report TRANSFERS`: it varies less with the machine's speed of
# the hour than rates do.
cpu_mark() { LEDGER_CPU=$(cpu_ms "$LEDGER_PID"); POSTGRES_CPU=$(postgres_cpu_ms); REDIS_CPU=$(redis_cpu_ms); }
cpu_report() {
    awk -v n="$1" -v l="$(( $(cpu_ms "$LEDGER_PID") - LEDGER_CPU ))" -v p="$(( $(postgres_cpu_ms) - POSTGRES_CPU ))" \
        -v r="$(( $(redis_cpu_ms) - REDIS_CPU ))" -v what="${2:-}" \
        'BEGIN { printf "  CPU per transfer%s: azora-ledger %.0f µs, PostgreSQL %.0f µs, Redis %.0f µs\n", what, l * 1000 / n, p * 1000 / n, r * 1000 / n }'
}
redis_cpu_ms() { cpu_ms "$(cat "$SCRATCH/redis/redis.pid")"; }
# Transfers recorded so far and group commits so far, from the ledger's own counters.
transfers_recorded() {
    curl -fsS "$LEDGER/metrics" | awk '/^ledger_group_commit_transfers_total/ { n = $2 } END { printf "%d\n", n }'
}
group_commits() {
    curl -fsS "$LEDGER/metrics" | awk '/^ledger_group_commits_total/ { n = $2 } END { printf "%d\n", n }'
}

# Events written by the ledger and not yet relayed to the bus.
waiting_events() {
    psql_admin "$PG_PORT" azora -tAc "SELECT count(*) FROM ledger.outbox"
}

# One round of pgbench; prints its transactions/s.
pgbench_round() {
    as_pg_owner "$(pg_bin)/pgbench" -h 127.0.0.1 -p "$PG_PORT" -U postgres -M prepared -n -c "$CLIENTS" -j 2 \
        -T "${DURATION%s}" azora 2>&1 | awk '/^tps = / { printf "%.0f", $3 }'
}

PGBENCH_RATES=()
LEDGER_RATES=()
for round in $(seq "$ROUNDS"); do
    say "round $round of $ROUNDS: pgbench TPC-B-like, $CLIENTS clients, -M prepared, $DURATION"
    cpu_mark
    RATE=$(pgbench_round)
    [ -n "$RATE" ] || die "pgbench printed no tps"
    POSTGRES_CPU=$(( $(postgres_cpu_ms) - POSTGRES_CPU ))
    printf '  pgbench  %8s transactions/s  PostgreSQL CPU per transaction %.0f µs\n' "$RATE" \
        "$(awk -v p="$POSTGRES_CPU" -v r="$RATE" -v d="${DURATION%s}" 'BEGIN { print p * 1000 / (r * d) }')"
    PGBENCH_RATES+=("$RATE")

    say "round $round of $ROUNDS: ledger, single transfers over HTTP, $CLIENTS connections, $DURATION"
    RECORDED=$(transfers_recorded)
    GROUPS_BEFORE=$(group_commits)
    cpu_mark
    read -r RATE _ P99 < <(wrk_summary 2 "$CLIENTS" -d"$DURATION" -s "$SCRATCH/accounts.lua" "$LEDGER")
    [ -n "$RATE" ] || die "wrk measured nothing; see the ledger's log: $(tail -5 "$SCRATCH/ledger.log")"
    RECORDED=$(( $(transfers_recorded) - RECORDED ))
    printf '  ledger   %8s transfers/s  p99 %s ms, %.1f transfers per group commit\n' "$RATE" "$P99" \
        "$(awk -v t="$RECORDED" -v g="$(( $(group_commits) - GROUPS_BEFORE ))" 'BEGIN { print (g > 0) ? t / g : 0 }')"
    cpu_report "$RECORDED"
    LEDGER_RATES+=("$RATE")
done
PGBENCH_TPS=$(median "${PGBENCH_RATES[@]}")
LEDGER_TPS=$(median "${LEDGER_RATES[@]}")
printf '  medians: pgbench %s transactions/s, ledger %s transfers/s\n' "$PGBENCH_TPS" "$LEDGER_TPS"

say "ledger: $BATCHES batches of $BATCH_SIZE transfers, 4 at a time"
mkdir -p "$SCRATCH/batches"
python3 - "$SCRATCH/accounts.lua" "$SCRATCH/batches" "$BATCHES" "$BATCH_SIZE" <<'PY'
import json, random, re, sys, uuid
accounts = re.findall(r'"([0-9A-Fa-f-]{36})"', open(sys.argv[1]).readline())
folder, batches, size = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
for number in range(batches):
    transfers = []
    for _ in range(size):
        debit, credit = random.sample(accounts, 2)
        transfers.append({"id": str(uuid.uuid4()), "debitAccountId": debit, "creditAccountId": credit,
                          "amount": random.randint(1, 10000), "currency": "USD", "code": "bench-batch"})
    with open(f"{folder}/{number}.json", "w") as file:
        json.dump({"transfers": transfers}, file)
PY
cpu_mark
START=$(date +%s.%N)
STATUSES=$(ls "$SCRATCH"/batches/*.json | xargs -P 4 -I{} curl -sS -o /dev/null -w '%{http_code}\n' \
    -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' --data-binary @{} "$LEDGER/ledger/transfers/batch")
END=$(date +%s.%N)
FAILED=$(grep -vc '^201$' <<<"$STATUSES" || true)
[ "$FAILED" = 0 ] || { tail -n 20 "$SCRATCH/ledger.log" >&2; die "$FAILED batches were not recorded: $(sort <<<"$STATUSES" | uniq -c | tr '\n' ' ')"; }
BATCH_TPS=$(awk -v n=$((BATCHES * BATCH_SIZE)) -v s="$START" -v e="$END" 'BEGIN { printf "%.0f", n / (e - s) }')
printf '  batches  %8s transfers/s  (%d transfers in %.1f s)\n' "$BATCH_TPS" $((BATCHES * BATCH_SIZE)) \
    "$(awk -v s="$START" -v e="$END" 'BEGIN { print e - s }')"
cpu_report $((BATCHES * BATCH_SIZE))
# Each transfer's event waits in the outbox until the relay has put it on the bus: not part of
# the batch target, but the rate the ledger could keep up for as long as batches kept coming.
WAITING=$(waiting_events)
while [ "$(waiting_events)" != 0 ]; do sleep 0.1; done
RELAYED=$(date +%s.%N)
printf '  events   %d still in the outbox after the last batch, all on the bus %.1f s later: %.0f transfers/s with their events\n' \
    "$WAITING" "$(awk -v e="$END" -v r="$RELAYED" 'BEGIN { print r - e }')" \
    "$(awk -v n=$((BATCHES * BATCH_SIZE)) -v s="$START" -v r="$RELAYED" 'BEGIN { print n / (r - s) }')"
cpu_report $((BATCHES * BATCH_SIZE)) ", events relayed included"

say "integrity check"
curl -fsS -H "Authorization: Bearer $TOKEN" "$LEDGER/ledger/reports/integrity" | python3 -c '
import json, sys
report = json.load(sys.stdin)
print("  ok=%s accounts=%d transfers=%d entries=%d" % (report["ok"], report["accounts"], report["transfers"], report["entries"]))
sys.exit(0 if report["ok"] else 1)' || die "the integrity check failed"

say "single transfers: ledger/pgbench = $(awk -v l="$LEDGER_TPS" -v p="$PGBENCH_TPS" 'BEGIN { printf "%.2f", l / p }') (target at least 1.00); batches: $BATCH_TPS transfers/s (target at least 20000)"
