using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AccesoDescargas.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Issue10ExportacionTablero : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "ImpuestosRetenidos",
                table: "Comprobantes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "ImpuestosTrasladados",
                table: "Comprobantes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_ImportadoEn",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "ImportadoEn" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Comprobantes_EmisorId_ImportadoEn",
                table: "Comprobantes");

            migrationBuilder.DropColumn(
                name: "ImpuestosRetenidos",
                table: "Comprobantes");

            migrationBuilder.DropColumn(
                name: "ImpuestosTrasladados",
                table: "Comprobantes");
        }
    }
}
