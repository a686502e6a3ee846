using System.Net;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Storage;
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
/// The real app on a temporary data folder with a real SQLite file, seeded with the demo data.
/// <see cref="IniciarServidor"/> also starts Kestrel on a free loopback port for browser tests.
/// Files go to the local store, or to a new bucket of the tests' S3 server (<see cref="ServidorS3"/>)
/// when <paramref name="almacen"/> says so or the test class is marked <see cref="EnS3Attribute"/>.
/// </summary>
public sealed class AppFactory : WebApplicationFactory<Program>
{
    public const string AdminEmail = "admin@demo.mx";
    public const string AdminPassword = "Demo2026!";
    public const string ApiKey = "ad_demo_9f3c2b7e4a1d4c8e";
    public const string ReceptorRfc = "COSC8001137NA";
    public const string ReceptorPassword = "Receptor2026";

    private readonly Dictionary<string, string?> settings;
    private readonly string entorno;

    /// <summary>Replaces services after the app registered its own (e.g. a fake <see cref="TimeProvider"/>).</summary>
    public Action<IServiceCollection>? Servicios { get; init; }

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "accesodescargas-tests", Guid.NewGuid().ToString("N"));

    public ProveedorAlmacen Almacen { get; }

    /// <summary>The bucket this app's files go to when <see cref="Almacen"/> is S3.</summary>
    public string? Bucket { get; }

    public AppFactory(Dictionary<string, string?>? settings = null, bool seed = true, string entorno = "Testing",
        ProveedorAlmacen? almacen = null, ModoDescargas descargas = ModoDescargas.Transmitir)
    {
        this.entorno = entorno;
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
        };
        Almacen = almacen ?? EnS3Attribute.De(Xunit.TestContext.Current.TestClassInstance);
        if (Almacen == ProveedorAlmacen.S3)
        {
            Bucket = ServidorS3.CrearBucket();
            foreach (var (k, v) in ServidorS3.Ajustes(Bucket, descargas)) this.settings[k] = v;
        }
        foreach (var (k, v) in settings ?? []) this.settings[k] = v;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(entorno);
        builder.UseStaticWebAssets(); // on by default only in Development
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning).AddFilter("Microsoft.AspNetCore.DataProtection", LogLevel.Error));
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
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
