using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AccesoDescargas.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Issue9IntentosSinAcceso : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "IntentosSinAcceso",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    EmisorId = table.Column<int>(type: "INTEGER", nullable: false),
                    Rfc = table.Column<string>(type: "TEXT", maxLength: 13, nullable: false),
                    Intentos = table.Column<int>(type: "INTEGER", nullable: false),
                    BloqueadoHasta = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ActualizadoEn = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IntentosSinAcceso", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_IntentosSinAcceso_ActualizadoEn",
                table: "IntentosSinAcceso",
                column: "ActualizadoEn");

            migrationBuilder.CreateIndex(
                name: "IX_IntentosSinAcceso_EmisorId_Rfc",
                table: "IntentosSinAcceso",
                columns: new[] { "EmisorId", "Rfc" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "IntentosSinAcceso");
        }
    }
}
