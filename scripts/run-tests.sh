#!/usr/bin/env bash
# Runs every test project and ends with one line: "N passed, M failed".
# A test host that dies without a summary (a native crash) counts as a failure.
set -u
config=${1:-Release}
cd "$(dirname "$0")/.."
passed=0; failed=0; status=0
for project in tests/*/*.csproj; do
  log=$(mktemp)
  dotnet test "$project" -c "$config" --no-build -nologo 2>&1 | tee "$log"
  line=$(grep -E "^(Passed|Failed)! +- Failed: +[0-9]+, Passed: +[0-9]+" "$log" | tail -n 1 || true)
  if [ -z "$line" ]; then
    echo "run-tests: no summary from $project (test host crashed?)"
    failed=$((failed + 1)); status=1
  else
    f=$(sed -E 's/.*Failed: +([0-9]+),.*/\1/' <<<"$line")
    p=$(sed -E 's/.*Passed: +([0-9]+),.*/\1/' <<<"$line")
    passed=$((passed + p)); failed=$((failed + f))
    [ "$f" = 0 ] || status=1
  fi
  rm -f "$log"
done
echo "$passed passed, $failed failed"
exit $status
