#!/usr/bin/env bash
# Fault soak: the fault tests (src/test/java/io/agentwatch/faults) with more crashes, a larger
# trace and several rounds, each round on a new seed. CI runs them once with one kill -9; this
# runs the three-crash loop and longer soaks. Prints one line per fault and round:
# commands expected, seen, lost, duplicated. Exit 0 when every round passed.
#
#   src/test/faults/soak.sh                 # 1 round: 3 x kill -9, failover, broker restart and outage, wiped state
#   src/test/faults/soak.sh 5               # 5 rounds (seeds 101..105)
#   CRASHES=5 AGENTS=10 LIVE_MINUTES=480 src/test/faults/soak.sh 3   # larger trace, more kills
#
# Settings (environment): CRASHES (default 3), AGENTS (default 8), LIVE_MINUTES of live traffic
# after 4 days of history (default 240), TESTS (default: every fault test class).
set -euo pipefail
cd "$(dirname "$0")/../../.."
rounds="${1:-1}"
crashes="${CRASHES:-3}"
agents="${AGENTS:-8}"
live_minutes="${LIVE_MINUTES:-240}"
tests="${TESTS:-CrashRecoveryIT,FailoverIT,BrokerOutageIT}"
summary="target/faults-soak.txt"
mkdir -p target
: > "$summary"
failed=0
for round in $(seq 1 "$rounds"); do
  seed=$((100 + round))
  echo "soak: round $round of $rounds (seed $seed, $crashes crashes, $agents agents, $live_minutes live minutes)" >&2
  if ! mvn -B verify -Dit.test="$tests" -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
      -Dagentwatch.faults.crashes="$crashes" -Dagentwatch.faults.seed="$seed" \
      -Dagentwatch.faults.agents="$agents" -Dagentwatch.faults.live.minutes="$live_minutes" \
      > "target/faults-soak-round-$round.log" 2>&1; then
    failed=$((failed + 1))
    echo "soak: round $round FAILED (target/faults-soak-round-$round.log, target/failsafe-reports/)" >&2
  fi
  grep -h 'FAULT-TABLE' target/failsafe-reports/*-output.txt | sed "s/.*FAULT-TABLE | /round $round (seed $seed) | /" \
    | tee -a "$summary"
done
echo "soak: $rounds rounds, $failed failed; summary in $summary" >&2
[ "$failed" -eq 0 ]
