using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AccesoDescargas.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class IndicesDeBusquedaAccesos : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "Nombre",
                table: "Clientes",
                type: "TEXT",
                maxLength: 300,
                nullable: false,
                collation: "NOCASE",
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 300);

            migrationBuilder.CreateIndex(
                name: "IX_Accesos_EmisorId_ContrasenaCambiadaEn",
                table: "Accesos",
                columns: new[] { "EmisorId", "ContrasenaCambiadaEn" });

            migrationBuilder.CreateIndex(
                name: "IX_Accesos_EmisorId_UltimoAccesoEn",
                table: "Accesos",
                columns: new[] { "EmisorId", "UltimoAccesoEn" });

            migrationBuilder.CreateIndex(
                name: "IX_Accesos_EmisorId_UltimoEnvioEn",
                table: "Accesos",
                columns: new[] { "EmisorId", "UltimoEnvioEn" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Accesos_EmisorId_ContrasenaCambiadaEn",
                table: "Accesos");

            migrationBuilder.DropIndex(
                name: "IX_Accesos_EmisorId_UltimoAccesoEn",
                table: "Accesos");

            migrationBuilder.DropIndex(
                name: "IX_Accesos_EmisorId_UltimoEnvioEn",
                table: "Accesos");

            migrationBuilder.AlterColumn<string>(
                name: "Nombre",
                table: "Clientes",
                type: "TEXT",
                maxLength: 300,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 300,
                oldCollation: "NOCASE");
        }
    }
}
