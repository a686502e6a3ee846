using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace AccesoDescargas.Infrastructure.PostgreSql;

/// <summary>
/// The triggers that keep <see cref="ConteoAccesos"/> on PostgreSQL. Written by hand (EF Core's model
/// has no triggers), so it lives outside Migrations/, which <c>nueva-migracion.sh</c> deletes and
/// generates again as one <c>Inicial</c> while the PostgreSQL set is not shipped; its id sorts after
/// any <c>Inicial</c>'s timestamp, so it always runs once "Accesos" exists. It changes no model, so it
/// has no target model and the snapshot does not know it.
/// </summary>
[DbContext(typeof(PostgresAppDbContext))]
[Migration("99990101000000_ConteoAccesos")]
public sealed class ConteoAccesosMigracion : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(ConteoAccesos.PostgreSqlV1);

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.Sql(ConteoAccesos.PostgreSqlV1Quitar);
}
