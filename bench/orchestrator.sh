#!/usr/bin/env bash
# ai-orchestrator's added latency: the same chat completion sent straight to a fake OpenAI
# upstream and through the orchestrator (routing, budget check, monitoring, the upstream call),
# one call at a time over a keep-alive connection each, plain and streamed. The direct and the
# routed calls take turns, so that both see the machine at the same speed. Prints p50 and p99 of
# both and the difference; for streams also the time to the first event.
#
# Settings (environment): COUNT (2000 calls per series).
source "$(dirname "$0")/../deploy/local/lib.sh"
source "$(dirname "$0")/lib.sh"

COUNT=${COUNT:-2000}
HERE=$(cd "$(dirname "$0")" && pwd)

ensure_packages "${BASE_PACKAGES[@]}" python3

build_release auth-service ai-orchestrator
start_scratch_stack
COMMON=()
start_auth_service
FAKE_PORT=$(free_port)
python3 "$HERE/fake_openai.py" "$FAKE_PORT" &
PIDS+=($!)
ORCHESTRATOR_PORT=$(free_port)
env "${COMMON[@]}" PORT="$ORCHESTRATOR_PORT" DATABASE_URL="$(service_database_url orchestrator "$PG_PORT")" \
    AI_PROBE_SECONDS=0 BENCH_KEY=bench-key "$BIN/ai-orchestrator" >"$SCRATCH/orchestrator.log" 2>&1 &
PIDS+=($!)
ORCHESTRATOR_PID=$!
wait_for_ports "$AUTH_PORT" "$ORCHESTRATOR_PORT"
ORCHESTRATOR="http://127.0.0.1:$ORCHESTRATOR_PORT"
TOKEN=$(admin_token "http://127.0.0.1:$AUTH_PORT")

say "registering the fake upstream as a provider and a deployment"
call() {
    curl -fsS -o /dev/null -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' -d "$2" "$ORCHESTRATOR$1" ||
        die "POST $1 failed"
}
call /ai-orchestrator/providers "{\"name\":\"fake\",\"kind\":\"openai_compatible\",\"baseUrl\":\"http://127.0.0.1:$FAKE_PORT/v1\",\"credentialSetting\":\"BENCH_KEY\"}"
call /ai-orchestrator/deployments '{"name":"bench","provider":"fake","model":"bench-model","contextWindow":128000,"inputMicrosPerMillion":150000,"outputMicrosPerMillion":600000,"capabilities":["chat","streaming"],"tier":"small"}'
call /ai-orchestrator/aliases '{"name":"bench-alias","strategy":"weighted","targets":[{"deployment":"bench","weight":1}]}'

series() {
    python3 "$HERE/latency_client.py" "$TOKEN" "$1" "$COUNT" \
        "direct=http://127.0.0.1:$FAKE_PORT/v1/chat/completions@bench-model" "via=$ORCHESTRATOR/v1/chat/completions@bench-alias"
}
say "timing $COUNT calls per series, direct and routed in turns"
# The orchestrator's CPU time per routed call (warm-up included): steadier than latency when
# the machine's speed changes.
cpu_per_call() { echo $(( ($(cpu_ms "$ORCHESTRATOR_PID") - $1) * 1000 / (COUNT + COUNT / 10) )); }
BEFORE=$(cpu_ms "$ORCHESTRATOR_PID")
PLAIN=$(series plain)
PLAIN_CPU=$(cpu_per_call "$BEFORE")
BEFORE=$(cpu_ms "$ORCHESTRATOR_PID")
STREAM=$(series stream)
STREAM_CPU=$(cpu_per_call "$BEFORE")

python3 - "$PLAIN" "$STREAM" <<'PY'
import json, sys
plain, stream = (json.loads(a) for a in sys.argv[1:])
direct_plain, via_plain, direct_stream, via_stream = plain["direct"], plain["via"], stream["direct"], stream["via"]
def row(name, direct, via, key):
    print("%-28s direct %7.2f ms   via orchestrator %7.2f ms   added %7.2f ms" % (name, direct[key], via[key], via[key] - direct[key]))
print("ai-orchestrator added latency (one call at a time; target: added p50 < 1 ms)")
row("plain p50", direct_plain, via_plain, "p50")
row("plain p99", direct_plain, via_plain, "p99")
row("stream, whole call p50", direct_stream, via_stream, "p50")
row("stream, whole call p99", direct_stream, via_stream, "p99")
row("stream, first event p50", direct_stream, via_stream, "first_p50")
row("stream, first event p99", direct_stream, via_stream, "first_p99")
PY
echo "orchestrator CPU per routed call: $PLAIN_CPU µs plain, $STREAM_CPU µs streamed"
echo "orchestrator RSS after the run: $(rss "${PIDS[-1]}")"
