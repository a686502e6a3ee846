using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AccesoDescargas.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Issue9VerificacionCsd : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Emisores_Rfc",
                table: "Emisores");

            migrationBuilder.AddColumn<string>(
                name: "CsdNoCertificado",
                table: "Emisores",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "CsdVigenteDesde",
                table: "Emisores",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "CsdVigenteHasta",
                table: "Emisores",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "VerificadoEn",
                table: "Emisores",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Emisores_Rfc",
                table: "Emisores",
                column: "Rfc",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Emisores_Rfc",
                table: "Emisores");

            migrationBuilder.DropColumn(
                name: "CsdNoCertificado",
                table: "Emisores");

            migrationBuilder.DropColumn(
                name: "CsdVigenteDesde",
                table: "Emisores");

            migrationBuilder.DropColumn(
                name: "CsdVigenteHasta",
                table: "Emisores");

            migrationBuilder.DropColumn(
                name: "VerificadoEn",
                table: "Emisores");

            migrationBuilder.CreateIndex(
                name: "IX_Emisores_Rfc",
                table: "Emisores",
                column: "Rfc");
        }
    }
}
