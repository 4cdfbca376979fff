#!/usr/bin/env bash
# Runs every test suite of DataBridge and prints one summary line: "N passed, N failed, N skipped".
# Suites: NUnit (tests/DataBridge.Tests), the Worker Service sample run once, and pytest
# (python/data_manager/tests) for each interpreter found with numpy+pandas and without them.
set -uo pipefail
cd "$(dirname "$0")"
passed=0; failed=0; skipped=0; status=0
results=$(mktemp -d)

add() { passed=$((passed + $1)); failed=$((failed + $2)); skipped=$((skipped + $3)); }

echo "== NUnit: tests/DataBridge.Tests"
dotnet test tests/DataBridge.Tests -c Release --logger "trx;LogFileName=nunit.trx" --results-directory "$results" 2>&1 | tail -n 40
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
if [ -f "$results/nunit.trx" ]; then
  counters=$(grep -o '<Counters [^>]*>' "$results/nunit.trx" | head -1)
  num() { printf '%s' "$counters" | sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p"; }
  add "$(num passed)" "$(( $(num failed) + $(num error) ))" "$(num notExecuted)"
else
  failed=$((failed + 1))
fi

# The Worker Service sample builds and runs one scheduled ETL job (exit 0, its output written, the bridge's
# metrics exported to the console by OpenTelemetry).
echo "== sample: samples/WorkerService --once"
ws_log="$results/worker-service.log"
if dotnet run --project samples/WorkerService -c Release -- --once >"$ws_log" 2>&1 \
   && grep -q "ETL run 1: 200 orders in" "$ws_log" && grep -q "Metric Name: databridge.runs" "$ws_log"; then
  echo "WorkerService: one ETL run, metrics and traces exported"
  add 1 0 0
else
  tail -n 40 "$ws_log"
  add 0 1 0
  status=1
fi

run_pytest() {
  local py=$1 label=$2
  if [ -d python/data_manager/tests ]; then
    echo "== pytest ($label: $py)"
    local junit="$results/pytest-$label.xml"
    PYTHONPATH=python/data_manager/src "$py" -m pytest -q -rs python/data_manager/tests --junitxml "$junit" -p no:cacheprovider 2>&1 | tail -n 30
    [ "${PIPESTATUS[0]}" -eq 0 ] || status=1
    if [ -f "$junit" ]; then
      local line t f e s
      line=$(grep -o '<testsuite [^>]*>' "$junit" | head -1)
      t=$(printf '%s' "$line" | sed -n 's/.* tests="\([0-9]*\)".*/\1/p')
      f=$(printf '%s' "$line" | sed -n 's/.* failures="\([0-9]*\)".*/\1/p')
      e=$(printf '%s' "$line" | sed -n 's/.* errors="\([0-9]*\)".*/\1/p')
      s=$(printf '%s' "$line" | sed -n 's/.* skipped="\([0-9]*\)".*/\1/p')
      add "$((t - f - e - s))" "$((f + e))" "$s"
    else
      failed=$((failed + 1))
    fi
  fi
}

# pytest with the full scientific stack (Debian's interpreter), then with the standard library alone.
full_py=${DATABRIDGE_PYTHON:-/usr/bin/python3}
if "$full_py" -c 'import pytest' 2>/dev/null; then
  run_pytest "$full_py" full
fi
if "$full_py" -c 'import pytest' 2>/dev/null; then
  # The same suite as if numpy and pandas were absent: data_manager honours DATA_MANAGER_NO_NUMPY=1.
  DATA_MANAGER_NO_NUMPY=1 run_pytest "$full_py" stdlib
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] || status=1
exit $status
