#!/usr/bin/env bash
# Adds a migration after a model change, for both database engines (README, "Adding a migration"):
#   ./nueva-migracion.sh Issue12Invitaciones
# - SQLite (shipped): a new migration with that name in App/Infrastructure/Migrations.
# - PostgreSQL (not shipped yet): its one migration, Inicial, is deleted and generated again in
#   App/Infrastructure/PostgreSql/Migrations. Once PostgreSQL ships, it gets named migrations too.
set -euo pipefail
cd "$(dirname "$0")"
if [ $# -ne 1 ] || [[ ! "$1" =~ ^[A-Za-z][A-Za-z0-9]*$ ]]; then
  echo "Uso: ./nueva-migracion.sh NombreDeLaMigracion   (p. ej. Issue12Invitaciones)" >&2
  exit 2
fi
dotnet tool restore >/dev/null
# Removed before the build, so that the built assembly holds no PostgreSQL migration named Inicial.
rm -rf App/Infrastructure/PostgreSql/Migrations
dotnet build App -c Release -nologo -clp:ErrorsOnly
dotnet ef migrations add "$1" --project App --context AppDbContext -o Infrastructure/Migrations \
  --configuration Release --no-build
# The app's own services build the model (Identity's schema version comes from them); no server is contacted.
dotnet ef migrations add Inicial --project App --context PostgresAppDbContext -o Infrastructure/PostgreSql/Migrations \
  --configuration Release --no-build -- --Database:Provider=PostgreSql "--ConnectionStrings:Default=Host=localhost"
