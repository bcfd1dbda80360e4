#!/usr/bin/env bash
# VNN-COMP interface: prepare_instance.sh v1 CATEGORY ONNX_FILE VNNLIB_FILE
# tessera needs no per-instance preparation (no GPU, no server); this checks the arguments, the files and
# that the CLI is built, and exits 0 when the instance can be run.
set -euo pipefail
if [ "$#" -ne 4 ] || [ "$1" != "v1" ]; then
  echo "usage: prepare_instance.sh v1 CATEGORY ONNX_FILE VNNLIB_FILE" >&2
  exit 1
fi
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
for f in "$3" "$4"; do
  [ -f "$f" ] || { echo "prepare_instance.sh: no such file: $f" >&2; exit 1; }
done
[ -f "$ROOT/dist/bundle/tessera.cjs" ] || (cd "$ROOT" && npm run build >/dev/null)
exit 0
