using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace AccesoDescargas.Infrastructure.PostgreSql.Migrations
{
    /// <inheritdoc />
    public partial class Inicial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ApiKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    EmisorId = table.Column<int>(type: "integer", nullable: false),
                    Nombre = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Prefijo = table.Column<string>(type: "character varying(12)", maxLength: 12, nullable: false),
                    Hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreadaEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RevocadaEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    UltimoUsoEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ApiKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AspNetRoles",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    Name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ConcurrencyStamp = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetRoles", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Correos",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    EmisorId = table.Column<int>(type: "integer", nullable: false),
                    Para = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: false),
                    Asunto = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Contenido = table.Column<byte[]>(type: "bytea", nullable: true),
                    Tipo = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    Rfc = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: true),
                    Uuid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    Estado = table.Column<int>(type: "integer", nullable: false),
                    Intentos = table.Column<int>(type: "integer", nullable: false),
                    SiguienteIntentoEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ReclamadoHasta = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    UltimoError = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    CreadoEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    EnviadoEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Correos", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    FriendlyName = table.Column<string>(type: "text", nullable: true),
                    Xml = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Emisores",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Rfc = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: false, collation: "C"),
                    RazonSocial = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    RegimenFiscal = table.Column<string>(type: "text", nullable: true),
                    CodigoPostal = table.Column<string>(type: "text", nullable: true),
                    Slug = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    LogoKey = table.Column<string>(type: "text", nullable: true),
                    CreadoEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    VerificadoEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CsdNoCertificado = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    CsdVigenteDesde = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    CsdVigenteHasta = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Emisores", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Eventos",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    EmisorId = table.Column<int>(type: "integer", nullable: false),
                    Quien = table.Column<string>(type: "character varying(260)", maxLength: 260, nullable: false),
                    Que = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: false),
                    Rfc = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: true),
                    Uuid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: true),
                    Detalle = table.Column<string>(type: "text", nullable: true),
                    Cuando = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Ip = table.Column<string>(type: "character varying(45)", maxLength: 45, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Eventos", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "IntentosSinAcceso",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    EmisorId = table.Column<int>(type: "integer", nullable: false),
                    Rfc = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: false),
                    Intentos = table.Column<int>(type: "integer", nullable: false),
                    BloqueadoHasta = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ActualizadoEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_IntentosSinAcceso", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AspNetRoleClaims",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RoleId = table.Column<string>(type: "text", nullable: false),
                    ClaimType = table.Column<string>(type: "text", nullable: true),
                    ClaimValue = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetRoleClaims", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetRoleClaims_AspNetRoles_RoleId",
                        column: x => x.RoleId,
                        principalTable: "AspNetRoles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Accesos",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    EmisorId = table.Column<int>(type: "integer", nullable: false),
                    Rfc = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: false, collation: "C"),
                    PasswordHash = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    Origen = table.Column<int>(type: "integer", nullable: false),
                    Habilitado = table.Column<bool>(type: "boolean", nullable: false),
                    CreadoEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ContrasenaCambiadaEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UltimoEnvioEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    UltimoEnvioCorreoId = table.Column<long>(type: "bigint", nullable: true),
                    UltimoAccesoEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    InvitacionEnviadaEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    InvitacionVenceEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    InvitacionAceptadaEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Descargas = table.Column<int>(type: "integer", nullable: false),
                    IntentosFallidos = table.Column<int>(type: "integer", nullable: false),
                    BloqueadoHasta = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    SelloSeguridad = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Accesos", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Accesos_Emisores_EmisorId",
                        column: x => x.EmisorId,
                        principalTable: "Emisores",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUsers",
                columns: table => new
                {
                    Id = table.Column<string>(type: "text", nullable: false),
                    EmisorId = table.Column<int>(type: "integer", nullable: false),
                    UserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedUserName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    Email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    NormalizedEmail = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    EmailConfirmed = table.Column<bool>(type: "boolean", nullable: false),
                    PasswordHash = table.Column<string>(type: "text", nullable: true),
                    SecurityStamp = table.Column<string>(type: "text", nullable: true),
                    ConcurrencyStamp = table.Column<string>(type: "text", nullable: true),
                    PhoneNumber = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    PhoneNumberConfirmed = table.Column<bool>(type: "boolean", nullable: false),
                    TwoFactorEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    LockoutEnd = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    LockoutEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    AccessFailedCount = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUsers", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetUsers_Emisores_EmisorId",
                        column: x => x.EmisorId,
                        principalTable: "Emisores",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Clientes",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    EmisorId = table.Column<int>(type: "integer", nullable: false),
                    Rfc = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: false, collation: "C"),
                    Nombre = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Email = table.Column<string>(type: "character varying(254)", maxLength: 254, nullable: true),
                    RegimenFiscal = table.Column<string>(type: "text", nullable: true),
                    CodigoPostal = table.Column<string>(type: "text", nullable: true),
                    CreadoEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    NombreMinusculas = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true, computedColumnSql: "lower(\"Nombre\")", stored: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Clientes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Clientes_Emisores_EmisorId",
                        column: x => x.EmisorId,
                        principalTable: "Emisores",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Comprobantes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    EmisorId = table.Column<int>(type: "integer", nullable: false),
                    Uuid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false, collation: "C"),
                    Version = table.Column<string>(type: "character varying(4)", maxLength: 4, nullable: false),
                    Serie = table.Column<string>(type: "character varying(25)", maxLength: 25, nullable: true),
                    Folio = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Fecha = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    FechaTimbrado = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Tipo = table.Column<string>(type: "character varying(1)", maxLength: 1, nullable: false),
                    SubTotal = table.Column<decimal>(type: "numeric", nullable: false),
                    ImpuestosTrasladados = table.Column<decimal>(type: "numeric", nullable: true),
                    ImpuestosRetenidos = table.Column<decimal>(type: "numeric", nullable: true),
                    Total = table.Column<decimal>(type: "numeric", nullable: false),
                    Moneda = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                    ReceptorRfc = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: false, collation: "C"),
                    ReceptorNombre = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    UsoCfdi = table.Column<string>(type: "text", nullable: true),
                    Estado = table.Column<int>(type: "integer", nullable: false),
                    UuidsRelacionados = table.Column<string>(type: "text", nullable: true),
                    XmlKey = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    XmlSize = table.Column<long>(type: "bigint", nullable: false),
                    XmlSha256 = table.Column<string>(type: "text", nullable: false),
                    PdfKey = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: true),
                    PdfSize = table.Column<long>(type: "bigint", nullable: true),
                    PdfSha256 = table.Column<string>(type: "text", nullable: true),
                    PdfGenerado = table.Column<bool>(type: "boolean", nullable: false),
                    PdfReclamadoHasta = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ImportadoEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    MetodoPago = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    FormaPago = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    RelacionesLeidas = table.Column<bool>(type: "boolean", nullable: false),
                    EstadoPago = table.Column<int>(type: "integer", nullable: true),
                    SaldoPendiente = table.Column<decimal>(type: "numeric", nullable: true),
                    Pagado = table.Column<decimal>(type: "numeric", nullable: true),
                    Acreditado = table.Column<decimal>(type: "numeric", nullable: true),
                    EstadoSat = table.Column<int>(type: "integer", nullable: true),
                    EstadoSatVerificadoEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    SatEsCancelable = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    SatEstatusCancelacion = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    SatValidacionEfos = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    SatSolicitadoEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FolioClave = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true, computedColumnSql: "upper(replace(replace(coalesce(\"Folio\", ''), '-', ''), ' ', ''))", stored: true, collation: "C"),
                    SerieFolioClave = table.Column<string>(type: "character varying(65)", maxLength: 65, nullable: true, computedColumnSql: "upper(replace(replace(coalesce(\"Serie\", '') || coalesce(\"Folio\", ''), '-', ''), ' ', ''))", stored: true, collation: "C")
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Comprobantes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Comprobantes_Emisores_EmisorId",
                        column: x => x.EmisorId,
                        principalTable: "Emisores",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "Enlaces",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    EmisorId = table.Column<int>(type: "integer", nullable: false),
                    AccesoId = table.Column<int>(type: "integer", nullable: false),
                    Tipo = table.Column<int>(type: "integer", nullable: false),
                    TokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Sello = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    CreadoEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    VenceEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UsadoEn = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
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

            migrationBuilder.CreateTable(
                name: "AspNetUserClaims",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    ClaimType = table.Column<string>(type: "text", nullable: true),
                    ClaimValue = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserClaims", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AspNetUserClaims_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserLogins",
                columns: table => new
                {
                    LoginProvider = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ProviderKey = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ProviderDisplayName = table.Column<string>(type: "text", nullable: true),
                    UserId = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserLogins", x => new { x.LoginProvider, x.ProviderKey });
                    table.ForeignKey(
                        name: "FK_AspNetUserLogins_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserPasskeys",
                columns: table => new
                {
                    CredentialId = table.Column<byte[]>(type: "bytea", maxLength: 1024, nullable: false),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    Data = table.Column<string>(type: "jsonb", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserPasskeys", x => x.CredentialId);
                    table.ForeignKey(
                        name: "FK_AspNetUserPasskeys_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserRoles",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "text", nullable: false),
                    RoleId = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserRoles", x => new { x.UserId, x.RoleId });
                    table.ForeignKey(
                        name: "FK_AspNetUserRoles_AspNetRoles_RoleId",
                        column: x => x.RoleId,
                        principalTable: "AspNetRoles",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_AspNetUserRoles_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "AspNetUserTokens",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "text", nullable: false),
                    LoginProvider = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Name = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    Value = table.Column<string>(type: "text", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AspNetUserTokens", x => new { x.UserId, x.LoginProvider, x.Name });
                    table.ForeignKey(
                        name: "FK_AspNetUserTokens_AspNetUsers_UserId",
                        column: x => x.UserId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "ConsultasSat",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ComprobanteId = table.Column<long>(type: "bigint", nullable: false),
                    Cuando = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CodigoEstatus = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Estado = table.Column<int>(type: "integer", nullable: true),
                    EsCancelable = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    EstatusCancelacion = table.Column<string>(type: "character varying(60)", maxLength: 60, nullable: true),
                    ValidacionEfos = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    EmisorId = table.Column<int>(type: "integer", nullable: false),
                    ComprobanteId = table.Column<long>(type: "bigint", nullable: false),
                    ReceptorRfc = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: false),
                    IdDocumento = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false),
                    Pago = table.Column<int>(type: "integer", nullable: false),
                    FechaPago = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FormaDePago = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    MonedaPago = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    Monto = table.Column<decimal>(type: "numeric", nullable: false),
                    MonedaDocumento = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    NumParcialidad = table.Column<int>(type: "integer", nullable: true),
                    ImpSaldoAnt = table.Column<decimal>(type: "numeric", nullable: true),
                    ImpPagado = table.Column<decimal>(type: "numeric", nullable: true),
                    ImpSaldoInsoluto = table.Column<decimal>(type: "numeric", nullable: true)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    EmisorId = table.Column<int>(type: "integer", nullable: false),
                    ComprobanteId = table.Column<long>(type: "bigint", nullable: false),
                    ReceptorRfc = table.Column<string>(type: "character varying(13)", maxLength: 13, nullable: false),
                    TipoRelacion = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                    Uuid = table.Column<string>(type: "character varying(36)", maxLength: 36, nullable: false)
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
                name: "IX_Accesos_EmisorId_ContrasenaCambiadaEn_Id",
                table: "Accesos",
                columns: new[] { "EmisorId", "ContrasenaCambiadaEn", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Accesos_EmisorId_Rfc",
                table: "Accesos",
                columns: new[] { "EmisorId", "Rfc" },
                unique: true)
                .Annotation("Npgsql:IndexInclude", new[] { "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Accesos_EmisorId_UltimoAccesoEn_Id",
                table: "Accesos",
                columns: new[] { "EmisorId", "UltimoAccesoEn", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Accesos_EmisorId_UltimoEnvioEn_Id",
                table: "Accesos",
                columns: new[] { "EmisorId", "UltimoEnvioEn", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_EmisorId",
                table: "ApiKeys",
                column: "EmisorId");

            migrationBuilder.CreateIndex(
                name: "IX_ApiKeys_Hash",
                table: "ApiKeys",
                column: "Hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AspNetRoleClaims_RoleId",
                table: "AspNetRoleClaims",
                column: "RoleId");

            migrationBuilder.CreateIndex(
                name: "RoleNameIndex",
                table: "AspNetRoles",
                column: "NormalizedName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserClaims_UserId",
                table: "AspNetUserClaims",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserLogins_UserId",
                table: "AspNetUserLogins",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserPasskeys_UserId",
                table: "AspNetUserPasskeys",
                column: "UserId");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUserRoles_RoleId",
                table: "AspNetUserRoles",
                column: "RoleId");

            migrationBuilder.CreateIndex(
                name: "EmailIndex",
                table: "AspNetUsers",
                column: "NormalizedEmail");

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUsers_EmisorId",
                table: "AspNetUsers",
                column: "EmisorId");

            migrationBuilder.CreateIndex(
                name: "UserNameIndex",
                table: "AspNetUsers",
                column: "NormalizedUserName",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Clientes_EmisorId_Nombre",
                table: "Clientes",
                columns: new[] { "EmisorId", "Nombre" });

            migrationBuilder.CreateIndex(
                name: "IX_Clientes_EmisorId_NombreMinusculas",
                table: "Clientes",
                columns: new[] { "EmisorId", "NombreMinusculas" });

            migrationBuilder.CreateIndex(
                name: "IX_Clientes_EmisorId_Rfc",
                table: "Clientes",
                columns: new[] { "EmisorId", "Rfc" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_EstadoPago_ReceptorRfc",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "EstadoPago", "ReceptorRfc" });

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_EstadoSat_Fecha",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "EstadoSat", "Fecha" });

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_Fecha",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "Fecha" });

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_FolioClave",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "FolioClave" });

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_ImportadoEn",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "ImportadoEn" });

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_ReceptorRfc_EstadoPago_Fecha",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "ReceptorRfc", "EstadoPago", "Fecha" });

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_ReceptorRfc_Fecha_Id",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "ReceptorRfc", "Fecha", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_ReceptorRfc_FolioClave",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "ReceptorRfc", "FolioClave" });

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_ReceptorRfc_SerieFolioClave",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "ReceptorRfc", "SerieFolioClave" });

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_ReceptorRfc_Total_Fecha",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "ReceptorRfc", "Total", "Fecha" });

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_SerieFolioClave",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "SerieFolioClave" });

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_EmisorId_Uuid",
                table: "Comprobantes",
                columns: new[] { "EmisorId", "Uuid" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_FechaTimbrado_EstadoSatVerificadoEn",
                table: "Comprobantes",
                columns: new[] { "FechaTimbrado", "EstadoSatVerificadoEn" });

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_PdfKey",
                table: "Comprobantes",
                column: "PdfKey",
                filter: "\"PdfKey\" IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_SinPdf",
                table: "Comprobantes",
                column: "Id",
                filter: "\"PdfKey\" IS NULL");

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_SinRelaciones",
                table: "Comprobantes",
                column: "Id",
                filter: "NOT \"RelacionesLeidas\"");

            migrationBuilder.CreateIndex(
                name: "IX_Comprobantes_XmlKey",
                table: "Comprobantes",
                column: "XmlKey");

            migrationBuilder.CreateIndex(
                name: "IX_ConsultasSat_ComprobanteId_Cuando",
                table: "ConsultasSat",
                columns: new[] { "ComprobanteId", "Cuando" });

            migrationBuilder.CreateIndex(
                name: "IX_Correos_EmisorId_CreadoEn",
                table: "Correos",
                columns: new[] { "EmisorId", "CreadoEn" });

            migrationBuilder.CreateIndex(
                name: "IX_Correos_Estado_SiguienteIntentoEn",
                table: "Correos",
                columns: new[] { "Estado", "SiguienteIntentoEn" });

            migrationBuilder.CreateIndex(
                name: "IX_Emisores_Rfc",
                table: "Emisores",
                column: "Rfc",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Emisores_Slug",
                table: "Emisores",
                column: "Slug",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Enlaces_AccesoId_Tipo_Id",
                table: "Enlaces",
                columns: new[] { "AccesoId", "Tipo", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Enlaces_TokenHash",
                table: "Enlaces",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Eventos_EmisorId_Cuando",
                table: "Eventos",
                columns: new[] { "EmisorId", "Cuando" });

            migrationBuilder.CreateIndex(
                name: "IX_Eventos_EmisorId_Rfc_Cuando",
                table: "Eventos",
                columns: new[] { "EmisorId", "Rfc", "Cuando" });

            migrationBuilder.CreateIndex(
                name: "IX_IntentosSinAcceso_ActualizadoEn",
                table: "IntentosSinAcceso",
                column: "ActualizadoEn");

            migrationBuilder.CreateIndex(
                name: "IX_IntentosSinAcceso_EmisorId_Rfc",
                table: "IntentosSinAcceso",
                columns: new[] { "EmisorId", "Rfc" },
                unique: true);

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
                name: "ApiKeys");

            migrationBuilder.DropTable(
                name: "AspNetRoleClaims");

            migrationBuilder.DropTable(
                name: "AspNetUserClaims");

            migrationBuilder.DropTable(
                name: "AspNetUserLogins");

            migrationBuilder.DropTable(
                name: "AspNetUserPasskeys");

            migrationBuilder.DropTable(
                name: "AspNetUserRoles");

            migrationBuilder.DropTable(
                name: "AspNetUserTokens");

            migrationBuilder.DropTable(
                name: "Clientes");

            migrationBuilder.DropTable(
                name: "ConsultasSat");

            migrationBuilder.DropTable(
                name: "Correos");

            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropTable(
                name: "Enlaces");

            migrationBuilder.DropTable(
                name: "Eventos");

            migrationBuilder.DropTable(
                name: "IntentosSinAcceso");

            migrationBuilder.DropTable(
                name: "PagosAplicados");

            migrationBuilder.DropTable(
                name: "Relaciones");

            migrationBuilder.DropTable(
                name: "AspNetRoles");

            migrationBuilder.DropTable(
                name: "AspNetUsers");

            migrationBuilder.DropTable(
                name: "Accesos");

            migrationBuilder.DropTable(
                name: "Comprobantes");

            migrationBuilder.DropTable(
                name: "Emisores");
        }
    }
}
