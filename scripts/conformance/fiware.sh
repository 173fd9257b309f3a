#!/usr/bin/env bash
# FIWARE's NGSI-LD_TestSuite (jest) against a fresh demo. Not part of CI (a few minutes; needs Node.js and npm):
#
#   bash scripts/conformance/fiware.sh        # prints jest's summary and the failing tests
#
# The suite sends no bearer token, so it talks to token_proxy.py, which adds an operator's token; its notification
# cases post to the suite's own accumulator on 127.0.0.1 (IOC_NGSI_NOTIFY_ALLOW_LOCAL=1 for this run).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${FIWARE_WORK:-/tmp/ioc-fiware}
REPO=${FIWARE_SUITE_REPO:-https://github.com/FIWARE/NGSI-LD_TestSuite}
PORT=${FIWARE_PORT:-8192}
PROXY_PORT=${FIWARE_PROXY_PORT:-9092}
ACC_PORT=${FIWARE_ACC_PORT:-8085}
PY="$ROOT/.venv/bin/python"
mkdir -p "$WORK"
[ -d "$WORK/suite" ] || git clone -q "$REPO" "$WORK/suite"
(cd "$WORK/suite" && [ -d node_modules ] || npm install --no-audit --no-fund --loglevel=error)

export IOC_DATA_DIR=$(mktemp -d) IOC_NGSI_NOTIFY_ALLOW_LOCAL=1
cd "$ROOT"
"$PY" -m ioc.cli demo --port "$PORT" > "$WORK/demo.log" 2>&1 &
DEMO=$!
(cd "$WORK/suite" && WEB_APP_PORT=$ACC_PORT node accumulator/accumulator.js > "$WORK/accumulator.log" 2>&1) &
ACC=$!
PROXY=
trap 'kill $DEMO $ACC $PROXY 2>/dev/null || true' EXIT
for _ in $(seq 120); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 1; done
# The suite's @context documents (published on its GitHub Pages) are preloaded, as an air-gapped city would.
for f in "$WORK"/suite/ldContext/*.jsonld; do
  [ "$(basename "$f")" = contextWithParseError.jsonld ] && continue
  "$PY" -m ioc.cli sensors load-context "https://fiware.github.io/NGSI-LD_TestSuite/ldContext/$(basename "$f")" "$f"
done
TOKEN=$("$PY" -m ioc.cli create-token trucioc --name fiware-suite | tail -1)
python3 "$ROOT/scripts/conformance/token_proxy.py" --listen "$PROXY_PORT" --target "http://127.0.0.1:$PORT" \
  --token "$TOKEN" > "$WORK/proxy.log" 2>&1 &
PROXY=$!
sleep 1
cd "$WORK/suite"
TEST_ENDPOINT="http://127.0.0.1:$PROXY_PORT" ACC_ENDPOINT="http://127.0.0.1:$ACC_PORT" \
  NOTIFY_ENDPOINT="http://127.0.0.1:$ACC_PORT/acc" \
  npx jest --runInBand --forceExit --json --outputFile="$WORK/results.json" > "$WORK/jest.log" 2>&1 || true
python3 - "$WORK/results.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
print(f"{r['numPassedTests']}/{r['numTotalTests']} passed ({r['numFailedTests']} failed)")
for suite in r["testResults"]:
    for t in suite["assertionResults"]:
        if t["status"] == "failed":
            print("FAIL", suite["name"].rsplit("/", 2)[-2] + "/" + suite["name"].rsplit("/", 1)[-1], "|", t["title"][:90])
PY
