using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AccesoDescargas.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Issue13ConteoAccesos : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Each emisor's number of accesses, kept by triggers (Infrastructure/ConteoAccesos.cs).
            migrationBuilder.Sql(ConteoAccesos.SqliteV1);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(ConteoAccesos.SqliteV1Quitar);
        }
    }
}
