#!/usr/bin/env bash
# `make test`: the whole suite against a throwaway PostgreSQL and Redis, then the deploy checks.
#
# The servers run from a temporary folder on free ports and are removed afterwards, whatever
# happens. Extra arguments for `swift test` come from TEST_ARGS (e.g. TEST_ARGS="--filter Ledger").
source "$(dirname "$0")/lib.sh"

# poppler-utils: the certificate tests open the PDF with a standard reader (pdftotext).
ensure_packages "${BASE_PACKAGES[@]}" python3 python3-venv docker-compose poppler-utils

say "building the package and its tests"
(cd "$AZORA_ROOT" && swift build --build-tests)

SCRATCH=$(mktemp -d /tmp/azora-test.XXXXXX)
chmod 755 "$SCRATCH"
PG_PORT=$(free_port)
REDIS_PORT=$(free_port)
cleanup() {
    stop_redis "$SCRATCH/redis" "$REDIS_PORT"
    stop_postgres "$SCRATCH/postgres"
    rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say "starting PostgreSQL on 127.0.0.1:$PG_PORT and Redis on 127.0.0.1:$REDIS_PORT in $SCRATCH"
start_postgres "$SCRATCH/postgres" "$PG_PORT"
start_redis "$SCRATCH/redis" "$REDIS_PORT"

export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
export TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
AZORA_BIN_DIR=$(cd "$AZORA_ROOT" && swift build --show-bin-path)
export AZORA_BIN_DIR
# The official openai SDK, for the test that drives ai-orchestrator through the gateway with it.
AZORA_PYTHON=$(ensure_python_tools)
export AZORA_PYTHON

say "running the tests"
# The output is kept so that, when something fails, the failures are repeated at the very end,
# where a CI log that keeps only its tail still shows them.
set -o pipefail
# shellcheck disable=SC2086 # TEST_ARGS is a list of words on purpose
if ! (cd "$AZORA_ROOT" && swift test --skip-build ${TEST_ARGS:-}) 2>&1 | tee "$SCRATCH/tests.log"; then
    say "failed tests, repeated from above:"
    grep -E "✘|error:|Fatal error|Assertion failed" "$SCRATCH/tests.log" | grep -v "✘ Suite" | cut -c1-400 | tail -40
    exit 1
fi

"$AZORA_ROOT/deploy/check.sh"
