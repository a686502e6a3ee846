using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AccesoDescargas.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Issue14BusquedaFolio : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "FolioBusqueda",
                table: "Comprobantes",
                type: "TEXT",
                maxLength: 40,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "SerieFolioBusqueda",
                table: "Comprobantes",
                type: "TEXT",
                maxLength: 65,
                nullable: false,
                defaultValue: "");

            // Existing rows get what Comprobante.NormalizarBusqueda gives new ones (serie and folio are ASCII in practice).
            migrationBuilder.Sql("""
                UPDATE "Comprobantes" SET
                    "SerieFolioBusqueda" = upper(replace(replace(coalesce("Serie", '') || coalesce("Folio", ''), '-', ''), ' ', '')),
                    "FolioBusqueda" = upper(replace(replace(coalesce("Folio", ''), '-', ''), ' ', ''));
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_ReceptorRfc_FolioBusqueda",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "ReceptorRfc", "FolioBusqueda" });

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_ReceptorRfc_SerieFolioBusqueda",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "ReceptorRfc", "SerieFolioBusqueda" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Comprobantes_EmisorId_ReceptorRfc_FolioBusqueda",
                table: "Comprobantes");

            migrationBuilder.DropIndex(
                name: "IX_Comprobantes_EmisorId_ReceptorRfc_SerieFolioBusqueda",
                table: "Comprobantes");

            migrationBuilder.DropColumn(
                name: "FolioBusqueda",
                table: "Comprobantes");

            migrationBuilder.DropColumn(
                name: "SerieFolioBusqueda",
                table: "Comprobantes");
        }
    }
}
