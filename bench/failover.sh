#!/usr/bin/env bash
# Failover, long form: the suite's FailoverTests (tests/OrleansBilling.Tests/Deployment) with longer load
# phases, on the production overlay's pods as real processes (three silos, one gateway, one PostgreSQL,
# Release build). Each round: load, then a silo killed (kill -9) or frozen (SIGSTOP: a hung node, which
# only the membership probes can find), the cluster served again, the silo restarted, then a rolling
# restart of all three silos as the Deployment does it; nothing acknowledged may be lost or applied twice.
#   BENCH_ROUNDS (2) rounds of each kind, BENCH_PHASE_SECONDS (30) seconds of load around each event.
# Prints the test's own figures per round; the logs stay in bench/out/failover-*.log.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh

rounds=${BENCH_ROUNDS:-2}
phase=${BENCH_PHASE_SECONDS:-30}
dotnet build -c Release -v q --nologo tests/OrleansBilling.Tests
runner=tests/OrleansBilling.Tests/bin/Release/net10.0/OrleansBilling.Tests

status=0
for mode in kill freeze; do
  for round in $(seq 1 "$rounds"); do
    log="$out/failover-$mode-$round.log"
    freeze=0; [[ $mode == freeze ]] && freeze=1
    if BILLING_FAILOVER_LOAD_SECONDS=$phase BILLING_FAILOVER_FREEZE=$freeze \
        "$runner" -class OrleansBilling.Tests.Deployment.FailoverTests -showLiveOutput -noColor >"$log" 2>&1; then
      result=passed
    else
      result=FAILED; status=1
    fi
    echo "== $mode, round $round: $result"
    grep -o '\[OUTPUT\] .*' "$log" | sed 's/^\[OUTPUT\] //' | grep -v '^---\|^{' || true
  done
done
exit $status
