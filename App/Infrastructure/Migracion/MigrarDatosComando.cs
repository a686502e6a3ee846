using AccesoDescargas.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace AccesoDescargas.Infrastructure.Migracion;

/// <summary>
/// <c>dotnet AccesoDescargas.dll migrar-datos --destino-db "&lt;cadena&gt;" [--destino-proveedor PostgreSql|Sqlite]
/// [--destino-almacen s3|carpeta:&lt;ruta&gt;]</c>: moves this installation (its configured database and file
/// store are the origin) into another database and file store, as deploy/README.md describes.
/// </summary>
public static class MigrarDatosComando
{
    public const string Nombre = "migrar-datos";

    public static bool EsComando(string[] args) => args is [Nombre, ..];

    public static async Task<int> EjecutarAsync(WebApplication app, string[] args)
    {
        var opciones = Leer(args);
        if (opciones is null || !opciones.TryGetValue("--destino-db", out var cadena) || string.IsNullOrWhiteSpace(cadena))
        {
            Console.Error.WriteLine("""
                Uso: dotnet AccesoDescargas.dll migrar-datos --destino-db "<cadena de conexión>" [--destino-proveedor PostgreSql|Sqlite] [--destino-almacen s3|carpeta:<ruta>]
                  El origen es la instalación que configuran DataDirectory, Database:* y Storage:*.
                  --destino-almacen s3 usa los ajustes Storage:S3:* (ServiceUrl, Region, Bucket, AccessKey, SecretKey, ForcePathStyle).
                """);
            return 2;
        }
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AccesoDescargas.MigrarDatos");
        try
        {
            var ajustes = Destino(opciones.GetValueOrDefault("--destino-proveedor", "PostgreSql"), cadena, opciones.GetValueOrDefault("--destino-almacen", "s3"));
            await using var destinoApp = ConstruirDestino(app.Services, ajustes);
            var resumen = await MigrarAsync(app.Services, destinoApp.Services, logger, app.Lifetime.ApplicationStopping);
            Console.WriteLine($"Migración terminada y verificada: {resumen.Tablas.Count} tablas, {resumen.Tablas.Sum(t => t.Destino):N0} filas " +
                              $"({resumen.Tablas.Sum(t => t.Copiadas):N0} copiadas ahora); {resumen.Archivos:N0} archivos con su SHA-256 comprobado " +
                              $"({resumen.ArchivosCopiados:N0} copiados ahora, {resumen.Bytes / (1024.0 * 1024):N1} MB).");
            return 0;
        }
        catch (Exception e) when (e is MigracionException or ConfiguracionException)
        {
            Console.Error.WriteLine(e.Message);
            return 1;
        }
    }

    /// <summary>Moves what <paramref name="origen"/>'s database and store hold into <paramref name="destino"/>'s.</summary>
    public static async Task<ResumenMigracion> MigrarAsync(IServiceProvider origen, IServiceProvider destino, ILogger logger, CancellationToken ct = default)
    {
        await using var dbOrigen = await origen.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(ct);
        await using var dbDestino = await destino.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync(ct);
        return await new MigradorDatos(dbOrigen, dbDestino, origen.GetRequiredService<IFileStore>(), destino.GetRequiredService<IFileStore>(), logger)
            .MigrarAsync(ct);
    }

    /// <summary>The settings that point the app at the destination: its engine and connection string, and its store.</summary>
    public static Dictionary<string, string?> Destino(string proveedor, string cadena, string almacen)
    {
        var ajustes = new Dictionary<string, string?> { ["Database:Provider"] = proveedor, ["ConnectionStrings:Default"] = cadena };
        if (almacen.Equals("s3", StringComparison.OrdinalIgnoreCase))
            ajustes["Storage:Provider"] = "S3"; // with the Storage:S3:* settings the origin is configured with
        else if (almacen.StartsWith("carpeta:", StringComparison.OrdinalIgnoreCase) && almacen.Length > "carpeta:".Length)
        {
            ajustes["Storage:Provider"] = "Local";
            ajustes["DataDirectory"] = almacen["carpeta:".Length..];
        }
        else
            throw new ConfiguracionException($"--destino-almacen «{almacen}» no es válido: use s3 o carpeta:<ruta>.");
        return ajustes;
    }

    /// <summary>
    /// The destination as the app itself would open it (the same data and storage set-up, so the same
    /// model, migrations and store), from the origin's settings with <paramref name="ajustes"/> on top.
    /// Nothing runs in the background: no host is started.
    /// </summary>
    public static WebApplication ConstruirDestino(IServiceProvider origen, IReadOnlyDictionary<string, string?> ajustes)
    {
        var entorno = origen.GetRequiredService<IWebHostEnvironment>();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            ContentRootPath = entorno.ContentRootPath,
            EnvironmentName = entorno.EnvironmentName,
        });
        builder.Configuration.AddConfiguration(origen.GetRequiredService<IConfiguration>());
        builder.Configuration.AddInMemoryCollection(ajustes);
        builder.AddData();
        builder.AddStorage();
        return builder.Build();
    }

    /// <summary>"--nombre valor" pairs after the command's name; null when one has no value.</summary>
    private static Dictionary<string, string>? Leer(string[] args)
    {
        var opciones = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 1; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--") || i + 1 >= args.Length) return null;
            opciones[args[i]] = args[i + 1];
        }
        return opciones;
    }
}
