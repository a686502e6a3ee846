using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AccesoDescargas.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Issue13Reclamos : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ReclamadoHasta",
                table: "Correos",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "PdfReclamadoHasta",
                table: "Comprobantes",
                type: "TEXT",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ReclamadoHasta",
                table: "Correos");

            migrationBuilder.DropColumn(
                name: "PdfReclamadoHasta",
                table: "Comprobantes");
        }
    }
}
