using System.Xml.Linq;
using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Infrastructure.PostgreSql;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Npgsql;

namespace AccesoDescargas.Infrastructure;

/// <summary>The database engine, from <c>Database:Provider</c>.</summary>
public enum ProveedorBaseDatos { Sqlite, PostgreSql }

public static class DataExtensions
{
    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder)
    {
        var data = DataDirectory.Prepare(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(data);

        var proveedor = Proveedor(builder.Configuration);
        var connectionString = builder.Configuration.GetConnectionString("Default");
        // The one place the engine is chosen: features get IDbContextFactory<AppDbContext> (or a scoped
        // AppDbContext) and the derived context brings its model, migrations and provider pieces.
        if (proveedor == ProveedorBaseDatos.PostgreSql)
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new ConfiguracionException(
                    "Con Database:Provider = PostgreSql falta la cadena de conexión ConnectionStrings:Default " +
                    "(por ejemplo «Host=db.example.mx;Database=accesodescargas;Username=portal;Password=…»).");
            var cadena = CadenaPostgres(connectionString);
            builder.Services.AddDbContextFactory<PostgresAppDbContext>((sp, o) =>
            {
                o.UseNpgsql(cadena);
                // What features configure for AppDbContext (ConfigureDbContext<AppDbContext>, e.g. interceptors).
                foreach (var configuracion in sp.GetServices<IDbContextOptionsConfiguration<AppDbContext>>())
                    configuracion.Configure(sp, o);
            });
            builder.Services.AddSingleton<IDbContextFactory<AppDbContext>, FabricaDerivada<PostgresAppDbContext>>();
            builder.Services.AddScoped<AppDbContext>(sp => sp.GetRequiredService<PostgresAppDbContext>());
            builder.Services.AddSingleton<ContextosAgrupados, ContextosAgrupados.De<PostgresAppDbContext>>();
        }
        else
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                // Created here with mode 600 rather than by SQLite with the process's default mode.
                DataDirectory.CrearArchivoPrivado(data.Combine("accesodescargas.db"));
                connectionString = $"Data Source={data.Combine("accesodescargas.db")};Foreign Keys=True";
            }
            builder.Services.AddDbContextFactory<AppDbContext>(o => o.UseSqlite(connectionString).AddInterceptors(EsperaBloqueoSqlite.Instancia));
            builder.Services.AddSingleton<ContextosAgrupados, ContextosAgrupados.De<AppDbContext>>();
        }

        // In the database, so that every instance reads every cookie, antiforgery token and outbox body.
        builder.Services.AddDataProtection()
            .SetApplicationName("AccesoDescargas")
            .PersistKeysToDbContext<AppDbContext>()
            .ProtegerConCertificado(builder.Configuration);

        builder.Services.AddIdentityCore<Usuario>(o =>
            {
                o.SignIn.RequireConfirmedAccount = false;
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 8;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
            })
            .AddEntityFrameworkStores<AppDbContext>()
            .AddSignInManager<IngresoPersonal>()
            .AddPasswordValidator<ContrasenaMaximaValidator>()
            .AddClaimsPrincipalFactory<UsuarioClaimsFactory>()
            .AddErrorDescriber<IdentityErrorsEs>()
            .AddDefaultTokenProviders();

        return builder;
    }

    public static ProveedorBaseDatos Proveedor(IConfiguration configuration)
    {
        var valor = configuration["Database:Provider"];
        if (string.IsNullOrWhiteSpace(valor)) return ProveedorBaseDatos.Sqlite;
        return Enum.TryParse<ProveedorBaseDatos>(valor.Trim(), ignoreCase: true, out var p) && Enum.IsDefined(p)
            ? p
            : throw new ConfiguracionException($"Database:Provider «{valor}» no es válido: use Sqlite o PostgreSql.");
    }

    /// <summary>Sessions in UTC, so that now() and the stored UTC instants agree whatever the server's zone.</summary>
    internal static string CadenaPostgres(string connectionString)
    {
        var cadena = new NpgsqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrEmpty(cadena.Timezone)) cadena.Timezone = "UTC";
        return cadena.ConnectionString;
    }

    /// <summary>
    /// Applies pending migrations (each engine its own set), runs the engine's start-up tuning and
    /// moves a key ring left in DataDirectory/keys by an earlier version into the database.
    /// </summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        await db.Database.MigrateAsync();
        await db.PrepararAsync();
        await ImportarClavesAsync(db, app.Services.GetRequiredService<DataDirectory>(), app.Logger);
    }

    /// <summary>
    /// Up to this version the key ring lived in DataDirectory/keys: each key file found there is copied
    /// once into the database, as it is (encrypted or not), so that existing cookies and encrypted
    /// outbox bodies keep working. The files are left in place; later starts find them imported.
    /// </summary>
    public static async Task ImportarClavesAsync(AppDbContext db, DataDirectory data, ILogger logger)
    {
        var carpeta = new DirectoryInfo(data.Combine("keys"));
        if (!carpeta.Exists) return;
        var importadas = 0;
        foreach (var archivo in carpeta.EnumerateFiles("*.xml"))
        {
            var nombre = Path.GetFileNameWithoutExtension(archivo.Name);
            if (await db.DataProtectionKeys.AnyAsync(k => k.FriendlyName == nombre)) continue;
            XElement xml;
            try
            {
                xml = XElement.Load(archivo.FullName);
            }
            catch (System.Xml.XmlException e)
            {
                logger.LogWarning(e, "El archivo de clave {Archivo} no es XML válido; no se importa.", archivo.FullName);
                continue;
            }
            db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = nombre, Xml = xml.ToString(SaveOptions.DisableFormatting) });
            importadas++;
        }
        if (importadas == 0) return;
        await db.SaveChangesAsync();
        logger.LogInformation("Se importaron {Cantidad} claves de Data Protection de {Carpeta} a la base de datos.", importadas, carpeta.FullName);
    }

    /// <summary>Hands out the engine's derived context as the <see cref="AppDbContext"/> features ask for.</summary>
    private sealed class FabricaDerivada<T>(IDbContextFactory<T> fabrica) : IDbContextFactory<AppDbContext> where T : AppDbContext
    {
        public AppDbContext CreateDbContext() => fabrica.CreateDbContext();
        public async Task<AppDbContext> CreateDbContextAsync(CancellationToken ct = default) => await fabrica.CreateDbContextAsync(ct);
    }
}

/// <summary>
/// A pool of the engine's contexts for the hot paths (every download, every authenticated request),
/// where creating a context per call costs more than the rest of the request.
/// </summary>
public abstract class ContextosAgrupados
{
    public abstract AppDbContext Crear();

    public sealed class De<T>(DbContextOptions<T> options) : ContextosAgrupados where T : AppDbContext
    {
        private readonly PooledDbContextFactory<T> pool = new(options, poolSize: 256);
        public override AppDbContext Crear() => pool.CreateDbContext();
    }
}
