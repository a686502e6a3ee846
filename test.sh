#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need that the .NET SDK lacks (Debian's
# Chromium for the browser tests, nginx, Node's s3rver for the S3 store), starts the services the
# tests use privately on free loopback ports, builds, runs every test and ends with one plain line
# "N passed, N failed, N skipped". Exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")"

instalar_debian() {
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null 2>&1 && return 0
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

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

# --- S3-compatible server for the S3 store's tests (s3rver, pinned in tools/s3rver) ---------------
# Installed with npm ci into the git-ignored tools/s3rver/node_modules, started on a free loopback
# port with its data in a temporary folder, stopped (and the folder removed) when this script exits.
s3_pid=""; s3_dir=""
iniciar_s3() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "Instalando Node.js de Debian para el servidor S3 de las pruebas (apt-get)…"
    instalar_debian nodejs npm || return 1
  fi
  if [ ! -f tools/s3rver/node_modules/s3rver/package.json ] || ! cmp -s tools/s3rver/package-lock.json tools/s3rver/node_modules/.package-lock.json 2>/dev/null; then
    (cd tools/s3rver && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || { echo "npm ci de tools/s3rver falló." >&2; return 1; }
  fi
  s3_dir=$(mktemp -d)
  node tools/s3rver/iniciar.js "$s3_dir/datos" >"$s3_dir/url" 2>"$s3_dir/error" &
  s3_pid=$!
  for _ in $(seq 1 300); do
    if [ -s "$s3_dir/url" ]; then
      export PRUEBAS_S3_URL; PRUEBAS_S3_URL=$(head -n 1 "$s3_dir/url")
      return 0
    fi
    kill -0 "$s3_pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "s3rver no arrancó: $(cat "$s3_dir/error")" >&2
  return 1
}
detener_s3() {
  [ -n "$s3_pid" ] && kill "$s3_pid" 2>/dev/null && wait "$s3_pid" 2>/dev/null
  [ -n "$s3_dir" ] && rm -rf "$s3_dir"
  s3_pid=""; s3_dir=""
}
# -------------------------------------------------------------------------------------------------

# --- nginx, for the deploy/nginx.conf check and the multi-instance test -------------------------
asegurar_nginx() {
  if [ ! -x /usr/sbin/nginx ]; then
    echo "Instalando nginx de Debian (apt-get)…"
    instalar_debian nginx || return 1
  fi
  export PRUEBAS_NGINX=/usr/sbin/nginx
}
# -------------------------------------------------------------------------------------------------

detener_servicios() { detener_s3; }
trap detener_servicios EXIT

if ! asegurar_nginx; then
  echo "No se pudo instalar nginx con apt-get." >&2
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
fi
if ! iniciar_s3; then
  echo "0 passed, 1 failed, 0 skipped"
  exit 1
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
