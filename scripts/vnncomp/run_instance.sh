#!/usr/bin/env bash
# VNN-COMP interface: run_instance.sh v1 CATEGORY ONNX_FILE VNNLIB_FILE RESULTS_FILE TIMEOUT
# Runs `tessera verify` and leaves in RESULTS_FILE one of: unsat (the property holds), sat followed by the
# exact counterexample ((X_0 v) ... (Y_0 v) ...), timeout, unknown, or error. A .gz network or property
# is decompressed to a temporary file first.
set -uo pipefail
if [ "$#" -ne 6 ] || [ "$1" != "v1" ]; then
  echo "usage: run_instance.sh v1 CATEGORY ONNX_FILE VNNLIB_FILE RESULTS_FILE TIMEOUT" >&2
  exit 1
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ONNX="$3"
VNNLIB="$4"
RESULTS="$5"
TIMEOUT="$6"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
if [[ "$ONNX" == *.gz ]]; then gunzip -c "$ONNX" > "$TMP/net.onnx"; ONNX="$TMP/net.onnx"; fi
if [[ "$VNNLIB" == *.gz ]]; then gunzip -c "$VNNLIB" > "$TMP/spec.vnnlib"; VNNLIB="$TMP/spec.vnnlib"; fi
# Leave about a second of the budget for process start and loading the network.
BUDGET="$(awk -v t="$TIMEOUT" 'BEGIN { b = t - 1; if (b < 1) b = t; print b }')"
rm -f "$RESULTS"
node "$ROOT/bin/tessera" verify "$ONNX" --property "$VNNLIB" --timeout "$BUDGET" --result-file "$RESULTS"
CODE=$?
# 0 holds, 10 violated, 20 unknown: the result file is written. Anything else is an error.
if [ "$CODE" -ne 0 ] && [ "$CODE" -ne 10 ] && [ "$CODE" -ne 20 ]; then echo "error" > "$RESULTS"; fi
exit 0
