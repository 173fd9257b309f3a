#!/usr/bin/env bash
# SeeClickFix's open311-validator (Ruby) against a fresh demo, read and write tests. Not part of CI:
#
#   bash scripts/conformance/open311.sh        # prints its PASSED/FAILED lines and the counts
#
# Debian's ruby, ruby-httparty and ruby-rspec are installed if missing. The validator is written for RSpec 2's
# `should` syntax; a one-line shim turns it on for RSpec 3. With a discovery document listing one endpoint its
# XML parser returns an object instead of a list and ten endpoint rules fail on that (see the issue notes).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${OPEN311_WORK:-/tmp/ioc-open311}
REPO=${OPEN311_VALIDATOR_REPO:-https://github.com/SeeClickFix/open311-validator}
PORT=${OPEN311_PORT:-8191}
PY="$ROOT/.venv/bin/python"
command -v ruby > /dev/null || sudo -n apt-get install -y -q ruby ruby-httparty ruby-rspec || apt-get install -y -q ruby ruby-httparty ruby-rspec
mkdir -p "$WORK"
[ -d "$WORK/validator" ] || git clone -q "$REPO" "$WORK/validator"
printf "require 'rspec/expectations'\nRSpec::Expectations.configuration.syntax = [:should, :expect]\n" > "$WORK/should.rb"
export IOC_DATA_DIR=$(mktemp -d)
"$PY" -m ioc.cli demo --port "$PORT" > "$WORK/demo.log" 2>&1 &
DEMO=$!
trap 'kill $DEMO 2>/dev/null || true' EXIT
for _ in $(seq 120); do curl -s -o /dev/null "http://127.0.0.1:$PORT/" && break; sleep 1; done
KEY=$("$PY" -m ioc.cli feedback open311-key validator | tail -1)
cd "$WORK/validator"
ruby -I"$WORK" -rshould bin/open311-validate -u "http://127.0.0.1:$PORT/open311/v2/discovery" -k "$KEY" -w true \
  -a "Tổ 5, phường Đoàn Kết, Lai Châu" > "$WORK/out.txt" 2>&1 || true
grep -E "PASSED|FAILED" "$WORK/out.txt" | sed 's/ \+/ /g' | cut -c1-160
echo "passed: $(grep -c PASSED "$WORK/out.txt"), failed: $(grep -c FAILED "$WORK/out.txt")"
