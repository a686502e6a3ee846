using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AccesoDescargas.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Issue11EstadoFiscal : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<decimal>(
                name: "Acreditado",
                table: "Comprobantes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "EstadoPago",
                table: "Comprobantes",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "EstadoSat",
                table: "Comprobantes",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "EstadoSatVerificadoEn",
                table: "Comprobantes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FormaPago",
                table: "Comprobantes",
                type: "TEXT",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "MetodoPago",
                table: "Comprobantes",
                type: "TEXT",
                maxLength: 40,
                nullable: true);

            migrationBuilder.AddColumn<decimal>(
                name: "Pagado",
                table: "Comprobantes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "RelacionesLeidas",
                table: "Comprobantes",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<decimal>(
                name: "SaldoPendiente",
                table: "Comprobantes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SatEsCancelable",
                table: "Comprobantes",
                type: "TEXT",
                maxLength: 60,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SatEstatusCancelacion",
                table: "Comprobantes",
                type: "TEXT",
                maxLength: 60,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "SatSolicitadoEn",
                table: "Comprobantes",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "SatValidacionEfos",
                table: "Comprobantes",
                type: "TEXT",
                maxLength: 10,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ConsultasSat",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ComprobanteId = table.Column<long>(type: "INTEGER", nullable: false),
                    Cuando = table.Column<DateTime>(type: "TEXT", nullable: false),
                    CodigoEstatus = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Estado = table.Column<int>(type: "INTEGER", nullable: true),
                    EsCancelable = table.Column<string>(type: "TEXT", maxLength: 60, nullable: true),
                    EstatusCancelacion = table.Column<string>(type: "TEXT", maxLength: 60, nullable: true),
                    ValidacionEfos = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsultasSat", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ConsultasSat_Comprobantes_ComprobanteId",
                        column: x => x.ComprobanteId,
                        principalTable: "Comprobantes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "PagosAplicados",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    EmisorId = table.Column<int>(type: "INTEGER", nullable: false),
                    ComprobanteId = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceptorRfc = table.Column<string>(type: "TEXT", maxLength: 13, nullable: false),
                    IdDocumento = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false),
                    Pago = table.Column<int>(type: "INTEGER", nullable: false),
                    FechaPago = table.Column<DateTime>(type: "TEXT", nullable: true),
                    FormaDePago = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    MonedaPago = table.Column<string>(type: "TEXT", maxLength: 3, nullable: true),
                    Monto = table.Column<decimal>(type: "TEXT", nullable: false),
                    MonedaDocumento = table.Column<string>(type: "TEXT", maxLength: 3, nullable: true),
                    NumParcialidad = table.Column<int>(type: "INTEGER", nullable: true),
                    ImpSaldoAnt = table.Column<decimal>(type: "TEXT", nullable: true),
                    ImpPagado = table.Column<decimal>(type: "TEXT", nullable: true),
                    ImpSaldoInsoluto = table.Column<decimal>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PagosAplicados", x => x.Id);
                    table.ForeignKey(
                        name: "FK_PagosAplicados_Comprobantes_ComprobanteId",
                        column: x => x.ComprobanteId,
                        principalTable: "Comprobantes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Relaciones",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    EmisorId = table.Column<int>(type: "INTEGER", nullable: false),
                    ComprobanteId = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceptorRfc = table.Column<string>(type: "TEXT", maxLength: 13, nullable: false),
                    TipoRelacion = table.Column<string>(type: "TEXT", maxLength: 2, nullable: false),
                    Uuid = table.Column<string>(type: "TEXT", maxLength: 36, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Relaciones", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Relaciones_Comprobantes_ComprobanteId",
                        column: x => x.ComprobanteId,
                        principalTable: "Comprobantes",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_EstadoPago_ReceptorRfc",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "EstadoPago", "ReceptorRfc" });

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_EstadoSat_Fecha",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "EstadoSat", "Fecha" });

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_ReceptorRfc_EstadoPago_Fecha",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "ReceptorRfc", "EstadoPago", "Fecha" });

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_FechaTimbrado_EstadoSatVerificadoEn",
                table: "Comprobantes",
                columns: new[] { "FechaTimbrado", "EstadoSatVerificadoEn" });

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_SinRelaciones",
                table: "Comprobantes",
                column: "Id",
                filter: "NOT \"RelacionesLeidas\"");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultasSat_ComprobanteId_Cuando",
                table: "ConsultasSat",
                columns: new[] { "ComprobanteId", "Cuando" });

            migrationBuilder.CreateIndex(
                name: "IX_PagosAplicados_ComprobanteId",
                table: "PagosAplicados",
                column: "ComprobanteId");

            migrationBuilder.CreateIndex(
                name: "IX_PagosAplicados_EmisorId_ReceptorRfc_IdDocumento",
                table: "PagosAplicados",
                columns: new[] { "EmisorId", "ReceptorRfc", "IdDocumento" });

            migrationBuilder.CreateIndex(
                name: "IX_Relaciones_ComprobanteId",
                table: "Relaciones",
                column: "ComprobanteId");

            migrationBuilder.CreateIndex(
                name: "IX_Relaciones_EmisorId_ReceptorRfc_Uuid",
                table: "Relaciones",
                columns: new[] { "EmisorId", "ReceptorRfc", "Uuid" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ConsultasSat");

            migrationBuilder.DropTable(
                name: "PagosAplicados");

            migrationBuilder.DropTable(
                name: "Relaciones");

            migrationBuilder.DropIndex(
                name: "IX_Comprobantes_EmisorId_EstadoPago_ReceptorRfc",
                table: "Comprobantes");

            migrationBuilder.DropIndex(
                name: "IX_Comprobantes_EmisorId_EstadoSat_Fecha",
                table: "Comprobantes");

            migrationBuilder.DropIndex(
                name: "IX_Comprobantes_EmisorId_ReceptorRfc_EstadoPago_Fecha",
                table: "Comprobantes");

            migrationBuilder.DropIndex(
                name: "IX_Comprobantes_FechaTimbrado_EstadoSatVerificadoEn",
                table: "Comprobantes");

            migrationBuilder.DropIndex(
                name: "IX_Comprobantes_SinRelaciones",
                table: "Comprobantes");

            migrationBuilder.DropColumn(
                name: "Acreditado",
                table: "Comprobantes");

            migrationBuilder.DropColumn(
                name: "EstadoPago",
                table: "Comprobantes");

            migrationBuilder.DropColumn(
                name: "EstadoSat",
                table: "Comprobantes");

            migrationBuilder.DropColumn(
                name: "EstadoSatVerificadoEn",
                table: "Comprobantes");

            migrationBuilder.DropColumn(
                name: "FormaPago",
                table: "Comprobantes");

            migrationBuilder.DropColumn(
                name: "MetodoPago",
                table: "Comprobantes");

            migrationBuilder.DropColumn(
                name: "Pagado",
                table: "Comprobantes");

            migrationBuilder.DropColumn(
                name: "RelacionesLeidas",
                table: "Comprobantes");

            migrationBuilder.DropColumn(
                name: "SaldoPendiente",
                table: "Comprobantes");

            migrationBuilder.DropColumn(
                name: "SatEsCancelable",
                table: "Comprobantes");

            migrationBuilder.DropColumn(
                name: "SatEstatusCancelacion",
                table: "Comprobantes");

            migrationBuilder.DropColumn(
                name: "SatSolicitadoEn",
                table: "Comprobantes");

            migrationBuilder.DropColumn(
                name: "SatValidacionEfos",
                table: "Comprobantes");
        }
    }
}
