#!/usr/bin/env bash
# Runs the whole test suite: installs what the tests need that the .NET SDK lacks (Debian's
# Chromium for the browser tests, nginx, Node's s3rver for the S3 store, Debian's PostgreSQL
# server), starts the services the tests use privately on free loopback ports, builds, and runs
# the tests twice: every test on SQLite, then every test that uses a database again on a private
# PostgreSQL cluster (all but those marked SoloSqlite). Ends with one plain line "N passed, N failed, N skipped"
# summing both passes. Exits non-zero when anything failed.
# PRUEBAS_SOLO_SQLITE=1 skips the PostgreSQL pass, PRUEBAS_SOLO_POSTGRES=1 the SQLite pass
# (quicker while working on one feature; CI runs both).
set -uo pipefail
cd "$(dirname "$0")"

instalar_debian() {
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null 2>&1 && return 0
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}
instalar() { # instalar <paquete> <para qué>
  echo "Instalando $1 de Debian $2 (apt-get)…"
  if ! instalar_debian "$1"; then
    echo "No se pudo instalar $1 con apt-get." >&2
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
  fi
}

[ -x /usr/bin/chromium ] || instalar chromium "para las pruebas de navegador"

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

# --- private PostgreSQL cluster for the second pass ---------------------------------------------
solo_sqlite="${PRUEBAS_SOLO_SQLITE:-}"
pg_dir=""
pg_bin=""
pg_as=""
detener_postgres() {
  if [ -n "$pg_dir" ]; then
    $pg_as "$pg_bin/pg_ctl" -D "$pg_dir/data" -m immediate stop >/dev/null 2>&1
    rm -rf "$pg_dir"
  fi
}
# One trap stops every service this script started, whichever step it exits at.
detener_servicios() { detener_s3; detener_postgres; }
trap detener_servicios EXIT

if [ -z "$solo_sqlite" ]; then
  pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$pg_bin" ]; then
    instalar postgresql "para la segunda pasada de pruebas"
    pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  # A private cluster under a temporary folder, on a free loopback port; no system service. The
  # server refuses to run as root: then it runs as the postgres user that the Debian package creates.
  pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/accesodescargas-pg.XXXXXX")
  pg_as=""
  if [ "$(id -u)" -eq 0 ]; then
    id -u postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
    chown postgres "$pg_dir"
    pg_as="runuser -u postgres --"
  fi
  $pg_as "$pg_bin/initdb" -D "$pg_dir/data" -A trust -U postgres -E UTF8 --locale=C.UTF-8 >"$pg_dir/initdb.log" 2>&1 \
    || { cat "$pg_dir/initdb.log" >&2; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
  pg_port=""
  for _ in 1 2 3 4 5; do
    port=$(( 20000 + RANDOM % 40000 ))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && continue # taken
    # Durability is not under test: fsync off makes each test's CREATE DATABASE and migrations quick.
    if $pg_as "$pg_bin/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/server.log" -w -t 60 \
         -o "-c listen_addresses=127.0.0.1 -p $port -k $pg_dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
         start >/dev/null; then
      pg_port=$port; break
    fi
  done
  if [ -z "$pg_port" ]; then
    cat "$pg_dir/server.log" >&2
    echo "No se pudo iniciar PostgreSQL para las pruebas." >&2
    echo "0 passed, 1 failed, 0 skipped"
    exit 1
  fi
  export PRUEBAS_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=postgres"
fi
# -------------------------------------------------------------------------------------------------

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

# pasada <nombre> [opciones del runner…]: runs the tests, adds its totals and names its failures.
total=0; failed=0; errors=0; skipped=0; notrun=0; status=0; failures=""
pasada() {
  local nombre=$1; shift
  local log; log=$(mktemp)
  local inicio=$SECONDS
  dotnet run --project App.Tests -c Release --no-build -- -noColor "$@" 2>&1 | tee "$log"
  local rc=${PIPESTATUS[0]}
  local summary
  summary=$(grep -E 'Total: [0-9]+, Errors: [0-9]+, Failed: [0-9]+, Skipped: [0-9]+' "$log" | tail -n 1)
  # The app's logs scroll the failures far up; name them again next to the summary.
  local f
  f=$(grep -E '^\s+.+ \[FAIL\]\s*$' "$log" | sed -E "s/^\s+/  [$nombre] /")
  [ -n "$f" ] && failures="$failures$f"$'\n'
  rm -f "$log"
  echo "Pasada $nombre: $((SECONDS - inicio)) s"
  if [ -z "$summary" ]; then
    # A pass that ran no test at all (a filter that matches none there) is not a failure.
    if [ "$rc" -eq 0 ]; then return; fi
    failed=$((failed + 1)); status=1; failures="$failures  [$nombre] el runner terminó sin resumen"$'\n'
    return
  fi
  num() { echo "$summary" | sed -E "s/.*$1: ([0-9]+).*/\1/"; }
  total=$((total + $(num Total))); failed=$((failed + $(num Failed))); errors=$((errors + $(num Errors)))
  skipped=$((skipped + $(num Skipped))); notrun=$((notrun + $(num 'Not Run')))
  [ "$rc" -ne 0 ] && status=1
}

# The PostgreSQL pass runs every test except those marked [Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]:
# tests that touch no database, browser tests (the pages are the same on both engines) and
# SQLite-only checks. With filters of your own (-class, -method…) it runs those, minus the same trait.
[ -z "${PRUEBAS_SOLO_POSTGRES:-}" ] && pasada SQLite "$@"
if [ -z "$solo_sqlite" ]; then
  PRUEBAS_BD=PostgreSql pasada PostgreSQL "$@" -trait- "BaseDatos=SoloSqlite"
fi

if [ -n "$failures" ]; then
  echo "Pruebas fallidas:"
  printf "%s" "$failures"
fi
# Errors (a class fixture that failed, a crash) are not among the tests' total but count as failures.
passed=$((total - failed - skipped - notrun))
failed=$((failed + errors))
echo "$passed passed, $failed failed, $skipped skipped"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]
