#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need that the .NET SDK lacks (Debian's
# Chromium for the browser tests), builds, runs every test and ends with one plain line
# "N passed, N failed, N skipped". Exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")"

if [ ! -x /usr/bin/chromium ]; then
  echo "Instalando Chromium de Debian para las pruebas de navegador (apt-get)…"
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  if ! { $sudo apt-get update -qq && $sudo apt-get install -y -qq chromium >/dev/null; }; then
    echo "No se pudo instalar chromium con apt-get." >&2
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
  fi
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
if ! dotnet build App.Tests -c Release -nologo -clp:ErrorsOnly; then
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi

log=$(mktemp)
dotnet run --project App.Tests -c Release --no-build -- -noColor "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

summary=$(grep -E 'Total: [0-9]+, Errors: [0-9]+, Failed: [0-9]+, Skipped: [0-9]+' "$log" | tail -n 1)
# The app's logs scroll the failures far up; name them again next to the summary.
failures=$(grep -E '^\s+.+ \[FAIL\]\s*$' "$log" | sed -E 's/^\s+/  /')
rm -f "$log"
if [ -n "$failures" ]; then
  echo "Pruebas fallidas:"
  echo "$failures"
fi
if [ -z "$summary" ]; then
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi
num() { echo "$summary" | sed -E "s/.*$1: ([0-9]+).*/\1/"; }
total=$(num Total); errors=$(num Errors); failed=$(num Failed); skipped=$(num Skipped); notrun=$(num 'Not Run')
failed=$((failed + errors))
passed=$((total - failed + errors - skipped - notrun))
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
