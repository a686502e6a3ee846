using AccesoDescargas.Features.Portal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AccesoDescargas.Tests.Features.Portal;

/// <summary>Money keeps its value and its order on every engine (SQLite stores decimals as text).</summary>
public class PortalImportesTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Las_paginas_de_la_lista_recorren_los_comprobantes_del_receptor_en_orden_sin_repetir_ni_saltar()
    {
        await using var app = new AppFactory();
        // Eleven comprobantes on four dates (equal dates ordered by the Id), and one of another receptor in between.
        for (var i = 0; i < 11; i++)
            await Portal.AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, folio: $"PAG{i}", fecha: new DateTime(2002, 3, 1 + i % 4, 9, 0, 0));
        await Portal.AgregarComprobanteAsync(app, "MCI7306249Y1", folio: "AJENO", fecha: new DateTime(2002, 3, 2, 9, 0, 0));
        SesionPortal sesion;
        List<string> esperado;
        await using (var db = app.CrearDb())
        {
            sesion = await db.Accesos.Where(a => a.Rfc == AppFactory.ReceptorRfc)
                .Select(a => new SesionPortal(a.Id, a.EmisorId, "demo", a.Rfc, a.SelloSeguridad)).SingleAsync(Ct);
            esperado = (await db.Comprobantes.Where(c => c.EmisorId == sesion.EmisorId && c.ReceptorRfc == sesion.Rfc)
                    .Select(c => new { c.Uuid, c.Fecha, c.Id }).ToListAsync(Ct))
                .OrderByDescending(c => c.Fecha).ThenByDescending(c => c.Id).Select(c => c.Uuid).ToList();
        }
        await using var scope = app.Services.CreateAsyncScope();
        var portal = scope.ServiceProvider.GetRequiredService<PortalService>();

        async Task<List<string>> RecorrerAsync(OrdenComprobantes orden)
        {
            var vistos = new List<string>();
            for (var pagina = 0; ; pagina++)
            {
                var p = await portal.ListarAsync(sesion, new(), pagina, 4, orden, Ct);
                Assert.Equal(esperado.Count, p.Total);
                if (p.Filas.Count == 0) return vistos;
                vistos.AddRange(p.Filas.Select(f => f.Uuid));
            }
        }
        Assert.Equal(esperado, await RecorrerAsync(OrdenComprobantes.FechaDesc));
        Assert.Equal(Enumerable.Reverse(esperado), await RecorrerAsync(OrdenComprobantes.FechaAsc));
    }

    [Fact]
    public async Task Ordenar_por_total_sigue_el_importe_y_no_el_texto()
    {
        await using var app = new AppFactory();
        decimal[] totales = [999.50m, 5.25m, 100_000m, 20m, 1000.50m, 0.123456m];
        await using (var db = app.CrearDb())
        {
            for (var i = 0; i < totales.Length; i++)
            {
                var c = await Portal.AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, folio: $"IMP{i}", fecha: new DateTime(2001, 1, 2 + i, 10, 0, 0));
                await db.Comprobantes.Where(x => x.Id == c.Id).ExecuteUpdateAsync(s => s.SetProperty(x => x.Total, totales[i]), Ct);
            }
        }
        SesionPortal sesion;
        await using (var db = app.CrearDb())
            sesion = await db.Accesos.Where(a => a.Rfc == AppFactory.ReceptorRfc)
                .Select(a => new SesionPortal(a.Id, a.EmisorId, "demo", a.Rfc, a.SelloSeguridad)).SingleAsync(Ct);
        await using var scope = app.Services.CreateAsyncScope();
        var portal = scope.ServiceProvider.GetRequiredService<PortalService>();
        var enero2001 = new FiltroComprobantes(new DateOnly(2001, 1, 1), new DateOnly(2001, 1, 31));

        var desc = await portal.ListarAsync(sesion, enero2001, 0, 25, OrdenComprobantes.TotalDesc, Ct);
        var asc = await portal.ListarAsync(sesion, enero2001, 0, 25, OrdenComprobantes.TotalAsc, Ct);

        Assert.Equal([100_000m, 1000.50m, 999.50m, 20m, 5.25m, 0.123456m], desc.Filas.Select(f => f.Total));
        Assert.Equal([0.123456m, 5.25m, 20m, 999.50m, 1000.50m, 100_000m], asc.Filas.Select(f => f.Total));
        Assert.Equal("$1,000.50", desc.Filas[1].TotalTexto);
    }
}
