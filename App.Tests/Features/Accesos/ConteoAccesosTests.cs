using System.Text;
using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Clientes;
using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.Extensions.DependencyInjection;

namespace AccesoDescargas.Tests.Features.Accesos;

/// <summary>
/// The grid's unfiltered total is the count the database keeps per emisor (<see cref="ConteoAccesos"/>),
/// not a COUNT: these tests fail as soon as it drifts from the plain COUNT, after every path that adds or
/// removes accesses, at once from several connections, on each engine.
/// </summary>
public class ConteoAccesosTests
{
    private static readonly Actor Admin = new(AppFactory.AdminEmail, "127.0.0.1");
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    /// <summary>Distinct RFCs (persona física) of a series: four letters from the number, a fixed date and homoclave.</summary>
    private static string RfcDe(char serie, int i)
    {
        Span<char> l = stackalloc char[3];
        for (var k = 2; k >= 0; k--) { l[k] = (char)('A' + i % 26); i /= 26; }
        return $"{serie}{l}800101XA0";
    }

    /// <summary>The grid's total and first page, next to a plain COUNT and query of the same emisor.</summary>
    private static async Task ComprobarAsync(AppFactory app, int emisorId, int? esperado = null)
    {
        int cuenta;
        List<int> primeros, ultimos;
        await using (var db = app.CrearDb())
        {
            cuenta = await db.Accesos.CountAsync(a => a.EmisorId == emisorId, Ct);
            primeros = await db.Accesos.Where(a => a.EmisorId == emisorId).OrderBy(a => a.Rfc).Select(a => a.Id).Take(10).ToListAsync(Ct);
            ultimos = await db.Accesos.Where(a => a.EmisorId == emisorId).OrderByDescending(a => a.UltimoEnvioEn).ThenByDescending(a => a.Id)
                .Select(a => a.Id).Take(10).ToListAsync(Ct);
        }
        if (esperado is not null) Assert.Equal(esperado, cuenta);
        await using var scope = app.Services.CreateAsyncScope();
        var servicio = scope.ServiceProvider.GetRequiredService<AccesosService>();
        var (filas, total) = await servicio.PaginaAsync(emisorId, new ConsultaAccesos(null, 0, 10), Ct);
        Assert.Equal(cuenta, total);
        Assert.Equal(primeros, filas.Select(f => f.Id));
        var (porEnvio, totalPorEnvio) = await servicio.PaginaAsync(emisorId, new ConsultaAccesos(null, 0, 10, "UltimoEnvioEn", true), Ct);
        Assert.Equal(cuenta, totalPorEnvio);
        Assert.Equal(ultimos, porEnvio.Select(f => f.Id));
    }

    private static async Task<int> OtroEmisorAsync(AppFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var registro = await scope.ServiceProvider.GetRequiredService<RegistroService>()
            .RegistrarAsync("AAA010101AAA", "OTRA EMPRESA SA DE CV", "otra@empresa.mx", "OtraEmpresa2026", iniciarSesion: false);
        return registro.Usuario!.EmisorId;
    }

    [Fact]
    public async Task El_total_sigue_al_conteo_al_crear_en_paralelo_registrar_clientes_importar_mover_y_borrar()
    {
        await using var app = new AppFactory();
        const int demo = 1;
        var otro = await OtroEmisorAsync(app);
        await ComprobarAsync(app, demo, esperado: 5);
        await ComprobarAsync(app, otro, esperado: 0);

        // "Crear acceso" from many requests at once: 30 RFCs, each tried twice (the second is refused as a duplicate).
        var creaciones = await Task.WhenAll(Enumerable.Range(0, 60).Select(i => Task.Run(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<AccesosService>()
                .CrearAsync(i / 2 % 2 == 0 ? demo : otro, new CrearAccesoInput(RfcDe('A', i / 2), null, null, false, AceptarAdvertenciaRfc: true), Admin, "http://x/", Ct);
        }, Ct)));
        Assert.Equal(30, creaciones.Count(c => c.Ok)); // 2k and 2k + 1 race for one RFC of one emisor; one of each pair wins
        await ComprobarAsync(app, demo);
        await ComprobarAsync(app, otro);

        // The automatic access of a cliente registered by hand, at once from several requests.
        var clientes = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<ClientesService>()
                .CrearAsync(demo, new ClienteInput { Rfc = RfcDe('B', i), Nombre = $"CLIENTE {i}", RfcConfirmado = true }, Admin, Ct);
        }, Ct)));
        Assert.All(clientes, c => Assert.Empty(c.Errores));
        await ComprobarAsync(app, demo);

        // An import of clientes in several batches, some of whose RFCs already have an access, while
        // accesses are created and removed from other connections.
        var csv = new StringBuilder("RFC,Nombre,Correo electrónico\n");
        for (var i = 0; i < 700; i++) csv.Append($"{RfcDe(i < 10 ? 'A' : 'C', i)},IMPORTADO {i} SA DE CV,c{i}@ejemplo.mx\n");
        var importacion = Task.Run(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            using var archivo = new MemoryStream(Encoding.UTF8.GetBytes(csv.ToString()));
            return await scope.ServiceProvider.GetRequiredService<ImportacionClientesService>()
                .ImportarAsync(demo, archivo, ModoExistentes.NoTocar, Admin, nombreArchivo: "clientes.csv", ct: Ct);
        }, Ct);
        var concurrentes = Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            if (i % 2 == 0)
            {
                await using var scope = app.Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<AccesosService>()
                    .CrearAsync(demo, new CrearAccesoInput(RfcDe('D', i), null, null, false, AceptarAdvertenciaRfc: true), Admin, "http://x/", Ct);
            }
            else
            {
                await using var db = app.CrearDb();
                var rfc = RfcDe('A', i);
                await db.Accesos.Where(a => a.Rfc == rfc).ExecuteDeleteAsync(Ct);
            }
        }, Ct));
        await Task.WhenAll([importacion, .. concurrentes]);
        Assert.Equal(700, (await importacion).Creados);
        await ComprobarAsync(app, demo);

        // A search counts its matches: an RFC prefix, and a nombre prefix in any case.
        await using (var db = app.CrearDb())
        {
            // What the grid's search means: the RFC or the cliente's nombre starts with it, in any case.
            Task<int> CoincidenAsync(string prefijo) => db.Accesos.CountAsync(a => a.EmisorId == demo
                && (a.Rfc.StartsWith(prefijo) || db.Clientes.Any(c => c.EmisorId == demo && c.Rfc == a.Rfc && c.Nombre.ToUpper().StartsWith(prefijo))), Ct);
            var porRfc = await CoincidenAsync("CA");
            var porNombre = await CoincidenAsync("IMPORTADO 1");
            Assert.True(porRfc > 0 && porNombre > 100, $"{porRfc} y {porNombre}");
            await using var scope = app.Services.CreateAsyncScope();
            var servicio = scope.ServiceProvider.GetRequiredService<AccesosService>();
            Assert.Equal(porRfc, (await servicio.PaginaAsync(demo, new ConsultaAccesos("ca", 0, 10), Ct)).Total);
            Assert.Equal(porNombre, (await servicio.PaginaAsync(demo, new ConsultaAccesos("importado 1", 0, 10), Ct)).Total);
        }

        // A change of emisor, a delete of many rows in one statement, and one through the change tracker.
        await using (var db = app.CrearDb())
        {
            Assert.Equal(50, await db.Accesos.Where(a => a.EmisorId == demo && a.Rfc.StartsWith("C")).OrderBy(a => a.Id).Take(50)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.EmisorId, otro), Ct));
        }
        await ComprobarAsync(app, demo);
        await ComprobarAsync(app, otro);
        await using (var db = app.CrearDb())
        {
            Assert.Equal(300, await db.Accesos.Where(a => a.EmisorId == demo && a.Rfc.StartsWith("C")).OrderBy(a => a.Rfc).Take(300).ExecuteDeleteAsync(Ct));
            db.Accesos.Remove(await db.Accesos.FirstAsync(a => a.EmisorId == otro, Ct));
            await db.SaveChangesAsync(Ct);
        }
        await ComprobarAsync(app, demo);
        await ComprobarAsync(app, otro);
        await using (var db = app.CrearDb()) await db.Accesos.Where(a => a.EmisorId == otro).ExecuteDeleteAsync(Ct);
        await ComprobarAsync(app, otro, esperado: 0);
    }

    [Fact]
    public async Task Una_transaccion_que_no_se_confirma_no_cambia_el_total_y_otra_no_la_espera()
    {
        await using var app = new AppFactory();
        await using var abierta = app.CrearDb();
        await using var tx = await abierta.Database.BeginTransactionAsync(Ct);
        abierta.Accesos.AddRange(Enumerable.Range(0, 3).Select(i => new AccesoDescarga { EmisorId = 1, Rfc = RfcDe('E', i), Origen = OrigenAcceso.Manual }));
        await abierta.SaveChangesAsync(Ct);
        Assert.Equal(8, await abierta.TotalAccesosAsync(1, Ct)); // its own rows, within it

        if (app.Proveedor == ProveedorBaseDatos.PostgreSql)
        {
            // Another connection adds and removes accesses meanwhile without waiting for the open
            // transaction (a single counter row per emisor would hold it until the timeout).
            await using var otra = app.CrearDb();
            otra.Database.SetCommandTimeout(TimeSpan.FromSeconds(10));
            otra.Accesos.AddRange(Enumerable.Range(0, 2).Select(i => new AccesoDescarga { EmisorId = 1, Rfc = RfcDe('F', i), Origen = OrigenAcceso.Manual }));
            await otra.SaveChangesAsync(Ct);
            await otra.Accesos.Where(a => a.Rfc == AppFactory.ReceptorRfc).ExecuteDeleteAsync(Ct);
            await ComprobarAsync(app, 1, esperado: 6);
        }
        await tx.RollbackAsync(Ct);
        await ComprobarAsync(app, 1, esperado: app.Proveedor == ProveedorBaseDatos.PostgreSql ? 6 : 5);
    }

    [Fact]
    public async Task La_migracion_cuenta_los_accesos_que_ya_habia()
    {
        await using var app = new AppFactory();
        await using var db = app.CrearDb();
        var migraciones = db.Database.GetMigrations().ToList();
        var previa = migraciones[migraciones.FindIndex(m => m.EndsWith("ConteoAccesos")) - 1];
        var migrador = db.GetService<IMigrator>();
        await migrador.MigrateAsync(previa, Ct); // the counter's Down: no table, no triggers
        db.Accesos.AddRange(Enumerable.Range(0, 4).Select(i => new AccesoDescarga { EmisorId = 1, Rfc = RfcDe('G', i), Origen = OrigenAcceso.Manual }));
        await db.SaveChangesAsync(Ct);

        await migrador.MigrateAsync(null, Ct);

        await ComprobarAsync(app, 1, esperado: 9);
    }
}
