using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;

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
