using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AccesoDescargas.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Issue10FolioPrefijo : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "FolioClave",
                table: "Comprobantes",
                type: "TEXT",
                maxLength: 40,
                nullable: true,
                computedColumnSql: "upper(replace(replace(coalesce(\"Folio\", ''), '-', ''), ' ', ''))",
                stored: false);

            migrationBuilder.AddColumn<string>(
                name: "SerieFolioClave",
                table: "Comprobantes",
                type: "TEXT",
                maxLength: 65,
                nullable: true,
                computedColumnSql: "upper(replace(replace(coalesce(\"Serie\", '') || coalesce(\"Folio\", ''), '-', ''), ' ', ''))",
                stored: false);

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_FolioClave",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "FolioClave" });

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_ReceptorRfc_FolioClave",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "ReceptorRfc", "FolioClave" });

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_ReceptorRfc_SerieFolioClave",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "ReceptorRfc", "SerieFolioClave" });

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_SerieFolioClave",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "SerieFolioClave" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Comprobantes_EmisorId_FolioClave",
                table: "Comprobantes");

            migrationBuilder.DropIndex(
                name: "IX_Comprobantes_EmisorId_ReceptorRfc_FolioClave",
                table: "Comprobantes");

            migrationBuilder.DropIndex(
                name: "IX_Comprobantes_EmisorId_ReceptorRfc_SerieFolioClave",
                table: "Comprobantes");

            migrationBuilder.DropIndex(
                name: "IX_Comprobantes_EmisorId_SerieFolioClave",
                table: "Comprobantes");

            migrationBuilder.DropColumn(
                name: "FolioClave",
                table: "Comprobantes");

            migrationBuilder.DropColumn(
                name: "SerieFolioClave",
                table: "Comprobantes");
        }
    }
}
