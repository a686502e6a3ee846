using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AccesoDescargas.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class Issue12Invitaciones : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "PasswordHash",
                table: "Accesos",
                type: "TEXT",
                maxLength: 200,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 200);

            migrationBuilder.AddColumn<DateTime>(
                name: "InvitacionAceptadaEn",
                table: "Accesos",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "InvitacionEnviadaEn",
                table: "Accesos",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "InvitacionVenceEn",
                table: "Accesos",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "Enlaces",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    EmisorId = table.Column<int>(type: "INTEGER", nullable: false),
                    AccesoId = table.Column<int>(type: "INTEGER", nullable: false),
                    Tipo = table.Column<int>(type: "INTEGER", nullable: false),
                    TokenHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Sello = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    CreadoEn = table.Column<DateTime>(type: "TEXT", nullable: false),
                    VenceEn = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UsadoEn = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Enlaces", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Enlaces_Accesos_AccesoId",
                        column: x => x.AccesoId,
                        principalTable: "Accesos",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Enlaces_AccesoId_Tipo_Id",
                table: "Enlaces",
                columns: new[] { "AccesoId", "Tipo", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Enlaces_TokenHash",
                table: "Enlaces",
                column: "TokenHash",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Enlaces");

            migrationBuilder.DropColumn(
                name: "InvitacionAceptadaEn",
                table: "Accesos");

            migrationBuilder.DropColumn(
                name: "InvitacionEnviadaEn",
                table: "Accesos");

            migrationBuilder.DropColumn(
                name: "InvitacionVenceEn",
                table: "Accesos");

            migrationBuilder.AlterColumn<string>(
                name: "PasswordHash",
                table: "Accesos",
                type: "TEXT",
                maxLength: 200,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "TEXT",
                oldMaxLength: 200,
                oldNullable: true);
        }
    }
}
