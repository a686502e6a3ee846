using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AccesoDescargas.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Issue9IndicesArchivos : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_PdfKey",
                table: "Comprobantes",
                column: "PdfKey",
                filter: "\"PdfKey\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_XmlKey",
                table: "Comprobantes",
                column: "XmlKey");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Comprobantes_PdfKey",
                table: "Comprobantes");

            migrationBuilder.DropIndex(
                name: "IX_Comprobantes_XmlKey",
                table: "Comprobantes");
        }
    }
}
