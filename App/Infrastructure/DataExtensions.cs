using AccesoDescargas.Features.Emisores;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace AccesoDescargas.Infrastructure;

public static class DataExtensions
{
    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder)
    {
        var data = DataDirectory.Prepare(builder.Configuration, builder.Environment.ContentRootPath);
        builder.Services.AddSingleton(data);

        var connectionString = builder.Configuration.GetConnectionString("Default");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            // Created here with mode 600 rather than by SQLite with the process's default mode.
            DataDirectory.CrearArchivoPrivado(data.Combine("accesodescargas.db"));
            connectionString = $"Data Source={data.Combine("accesodescargas.db")};Foreign Keys=True";
        }
        builder.Services.AddDbContextFactory<AppDbContext>(o => o.UseSqlite(connectionString));

        builder.Services.AddDataProtection()
            .SetApplicationName("AccesoDescargas")
            .ProtegerConCertificado(builder.Configuration);
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(sp => new ConfigureOptions<KeyManagementOptions>(o =>
            o.XmlRepository = new RepositorioClavesPrivado(new DirectoryInfo(data.Combine("keys")), sp.GetRequiredService<ILoggerFactory>())));

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

    /// <summary>Applies pending migrations; SQLite's WAL journal lets readers go on while one writer commits.</summary>
    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        await using var db = await app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>().CreateDbContextAsync();
        await db.Database.MigrateAsync();
        if (db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            // Gathers the statistics the query planner needs to pick the grids' indexes (cheap when nothing changed).
            await db.Database.ExecuteSqlRawAsync("PRAGMA optimize=0x10002;");
        }
    }
}
