#!/usr/bin/env bash
# `make bench`: runs every benchmark script under bench/ (bench/<what>.sh), or only those named:
# bench/run.sh gateway. Each builds what it measures in release mode and prints its own numbers.
set -eu
cd "$(dirname "$0")"
selected=("$@")
[ ${#selected[@]} -gt 0 ] || for script in *.sh; do [ "$script" = run.sh ] || selected+=("${script%.sh}"); done
[ ${#selected[@]} -gt 0 ] || { echo "no benchmarks under bench/"; exit 0; }
for name in "${selected[@]}"; do
    echo "== bench/$name.sh"
    "./$name.sh"
done
