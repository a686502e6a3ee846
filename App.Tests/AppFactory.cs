using System.Net;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Storage;
using AccesoDescargas.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AccesoDescargas.Tests;

/// <summary>
/// The real app on a temporary data folder, seeded with the demo data, on a real SQLite file or, with
/// the provider PostgreSql (by default when test.sh's second pass sets PRUEBAS_BD=PostgreSql), on a
/// fresh database of the private PostgreSQL cluster that test.sh starts (<see cref="BasePostgres"/>).
/// <see cref="IniciarServidor"/> also starts Kestrel on a free loopback port for browser tests.
/// Files go to the local store, or to a new bucket of the tests' S3 server (<see cref="ServidorS3"/>)
/// when <paramref name="almacen"/> says so or the test class is marked <see cref="EnS3Attribute"/>.
/// </summary>
public sealed class AppFactory : WebApplicationFactory<Program>
{
    /// <summary>The trait that keeps a test class or method out of the PostgreSQL pass: <c>[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]</c>
    /// on tests that touch no database (unit, pure bunit), browser tests, and SQLite-only checks (query plans).</summary>
    public const string BaseDatos = "BaseDatos", SoloSqlite = "SoloSqlite";

    /// <summary>The provider of this pass of the suite: PRUEBAS_BD=PostgreSql (test.sh's second pass) or SQLite.</summary>
    public static ProveedorBaseDatos ProveedorDePruebas { get; } =
        string.Equals(Environment.GetEnvironmentVariable("PRUEBAS_BD"), "PostgreSql", StringComparison.OrdinalIgnoreCase)
            ? ProveedorBaseDatos.PostgreSql : ProveedorBaseDatos.Sqlite;

    public const string AdminEmail = "admin@demo.mx";
    public const string AdminPassword = "Demo2026!";
    public const string ApiKey = "ad_demo_9f3c2b7e4a1d4c8e";
    public const string ReceptorRfc = "COSC8001137NA";
    public const string ReceptorPassword = "Receptor2026";

    private readonly Dictionary<string, string?> settings;
    private readonly string? baseDeDatosPropia;
    private readonly string entorno;

    /// <summary>Replaces services after the app registered its own (e.g. a fake <see cref="TimeProvider"/>).</summary>
    public Action<IServiceCollection>? Servicios { get; init; }

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "accesodescargas-tests", Guid.NewGuid().ToString("N"));

    public ProveedorBaseDatos Proveedor { get; }

    public ProveedorAlmacen Almacen { get; }

    /// <summary>The bucket this app's files go to when <see cref="Almacen"/> is S3.</summary>
    public string? Bucket { get; }

    /// <param name="proveedor">The database engine; by default the pass's (<see cref="ProveedorDePruebas"/>).</param>
    public AppFactory(Dictionary<string, string?>? settings = null, bool seed = true, string entorno = "Testing",
        ProveedorAlmacen? almacen = null, ModoDescargas descargas = ModoDescargas.Transmitir, ProveedorBaseDatos? proveedor = null)
    {
        this.entorno = entorno;
        Proveedor = proveedor ?? ProveedorDePruebas;
        this.settings = new()
        {
            ["DataDirectory"] = DataDir,
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Error",
            ["Registro:Habilitado"] = "true",
            ["Demo:Seed"] = seed ? "true" : "false",
            ["Demo:AdminEmail"] = AdminEmail,
            ["Demo:AdminPassword"] = AdminPassword,
            ["Demo:ApiKey"] = ApiKey,
            ["Demo:ReceptorRfc"] = ReceptorRfc,
            ["Demo:ReceptorPassword"] = ReceptorPassword,
            // Nothing in the tests may reach SAT: no refresher, and a discard address on loopback unless a test brings its own server.
            ["Sat:Refrescar"] = "false",
            ["Sat:ConsultaUrl"] = "http://127.0.0.1:9/ConsultaCFDIService.svc",
        };
        Almacen = almacen ?? EnS3Attribute.De(Xunit.TestContext.Current.TestClassInstance);
        if (Almacen == ProveedorAlmacen.S3)
        {
            Bucket = ServidorS3.CrearBucket();
            foreach (var (k, v) in ServidorS3.Ajustes(Bucket, descargas)) this.settings[k] = v;
        }
        foreach (var (k, v) in settings ?? []) this.settings[k] = v;

        if (Proveedor == ProveedorBaseDatos.PostgreSql && !this.settings.ContainsKey("ConnectionStrings:Default"))
        {
            // One database per data folder: a test that starts the app twice on one folder finds its data again.
            var carpeta = this.settings["DataDirectory"]!;
            var propia = carpeta == DataDir;
            this.settings["Database:Provider"] = "PostgreSql";
            this.settings["ConnectionStrings:Default"] = BasePostgres.Crear(carpeta);
            if (propia) baseDeDatosPropia = this.settings["ConnectionStrings:Default"];
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(entorno);
        builder.UseStaticWebAssets(); // on by default only in Development
        builder.ConfigureLogging(l =>
        {
            l.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error);
            // Npgsql's migrator probes for the history table by querying it, and EF logs each probe on a
            // new database as a failed command; a real failure still reaches the test as its exception.
            if (Proveedor == ProveedorBaseDatos.PostgreSql) l.AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Critical);
        });
        foreach (var (k, v) in settings) builder.UseSetting(k, v);
        if (Servicios is not null) builder.ConfigureTestServices(Servicios);
    }

    /// <summary>Starts a real Kestrel server on 127.0.0.1 and returns its base address.</summary>
    public string IniciarServidor()
    {
        UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        StartServer();
        return Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
    }

    public AppDbContext CrearDb() => Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContext();

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (baseDeDatosPropia is not null) await BasePostgres.EliminarAsync(baseDeDatosPropia);
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
