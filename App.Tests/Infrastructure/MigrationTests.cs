using AccesoDescargas.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AccesoDescargas.Tests.Infrastructure;

public class MigrationTests
{
    [Fact]
    public async Task Una_base_nueva_se_migra_y_el_modelo_no_tiene_cambios_sin_migracion()
    {
        // The app's own options (Identity's schema version comes from DI), on an empty data folder.
        await using var app = new AppFactory(seed: false);
        await using var db = app.CrearDb();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Xunit.TestContext.Current.CancellationToken));
        Assert.NotEmpty(await db.Database.GetAppliedMigrationsAsync(Xunit.TestContext.Current.CancellationToken));
        Assert.False(db.Database.HasPendingModelChanges(), "El modelo cambió sin una migración: ejecute dotnet ef migrations add.");
        Assert.Equal(0, await db.Emisores.CountAsync(Xunit.TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Un_segundo_arranque_sobre_la_misma_carpeta_conserva_los_datos_y_no_siembra_dos_veces()
    {
        var carpeta = Path.Combine(Path.GetTempPath(), "accesodescargas-tests", Guid.NewGuid().ToString("N"));
        int comprobantes, accesos;
        await using (var primera = new AppFactory(new() { ["DataDirectory"] = carpeta }))
        {
            await using var db = primera.CrearDb();
            comprobantes = await db.Comprobantes.CountAsync(Xunit.TestContext.Current.CancellationToken);
            accesos = await db.Accesos.CountAsync(Xunit.TestContext.Current.CancellationToken);
            db.Clientes.Add(new() { EmisorId = 1, Rfc = "XIQB891116QE4", Nombre = "Cliente agregado entre arranques" });
            await db.SaveChangesAsync(Xunit.TestContext.Current.CancellationToken);
        }
        await using (var segunda = new AppFactory(new() { ["DataDirectory"] = carpeta }))
        {
            await using var db = segunda.CrearDb();
            Assert.True(comprobantes > 0);
            Assert.Equal(1, await db.Emisores.CountAsync(Xunit.TestContext.Current.CancellationToken));
            Assert.Equal(comprobantes, await db.Comprobantes.CountAsync(Xunit.TestContext.Current.CancellationToken));
            Assert.Equal(accesos, await db.Accesos.CountAsync(Xunit.TestContext.Current.CancellationToken));
            Assert.True(await db.Clientes.AnyAsync(c => c.Rfc == "XIQB891116QE4", Xunit.TestContext.Current.CancellationToken));
        }
    }
}

/// <summary>An installation that shipped with SQLite's first migration set migrates to this version with its data.</summary>
[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public class MigracionSqliteExistenteTests
{
    [Fact]
    public async Task Una_base_sqlite_en_la_migracion_inicial_se_actualiza_conservando_sus_datos()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var carpeta = Path.Combine(Path.GetTempPath(), "accesodescargas-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(carpeta);
        try
        {
            var opciones = new DbContextOptionsBuilder<AppDbContext>()
                .UseSqlite($"Data Source={Path.Combine(carpeta, "accesodescargas.db")};Foreign Keys=True").Options;
            await using (var vieja = new AppDbContext(opciones))
            {
                await vieja.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().MigrateAsync("20261129133008_Inicial", ct);
                await vieja.Database.ExecuteSqlRawAsync(
                    "INSERT INTO Emisores (Rfc, RazonSocial, Slug, CreadoEn) VALUES ('EKU9003173C9', 'ANTES DE ACTUALIZAR', 'antes', '2026-11-30 10:00:00');", ct);
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

            await using var app = new AppFactory(new() { ["DataDirectory"] = carpeta }, seed: false, proveedor: ProveedorBaseDatos.Sqlite);
            app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("prueba").Protect("hola");
            await using var db = app.CrearDb();

            Assert.Empty(await db.Database.GetPendingMigrationsAsync(ct));
            Assert.Equal("ANTES DE ACTUALIZAR", await db.Emisores.Where(e => e.Slug == "antes").Select(e => e.RazonSocial).SingleAsync(ct));
            Assert.NotEmpty(await db.DataProtectionKeys.ToListAsync(ct)); // the new table exists and the app uses it
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(carpeta, recursive: true); } catch (IOException) { }
        }
    }
}
