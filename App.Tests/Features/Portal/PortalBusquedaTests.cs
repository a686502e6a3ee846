using AccesoDescargas.Features.Portal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AccesoDescargas.Tests.Features.Portal.Portal;

namespace AccesoDescargas.Tests.Features.Portal;

public class PortalBusquedaTests
{
    [Fact]
    public async Task La_busqueda_por_folio_encuentra_por_prefijo_de_serie_y_folio_o_del_folio_sin_importar_mayusculas()
    {
        await using var app = new AppFactory();
        var a = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "ZQ", folio: "167ABC");
        var b = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "ZQ", folio: "1670");
        await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "ZQ", folio: "25");
        var sinSerie = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: null, folio: "zq16x");
        var conGuion = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "W", folio: "X-9071");
        var deOtro = await AgregarComprobanteAsync(app, "MCI7306249Y1", serie: "ZQ", folio: "1675");
        SesionPortal sesion;
        await using (var db = app.CrearDb())
            sesion = await db.Accesos.Where(x => x.Rfc == AppFactory.ReceptorRfc)
                .Select(x => new SesionPortal(x.Id, x.EmisorId, "demo", x.Rfc, x.SelloSeguridad)).SingleAsync(Ct);

        async Task<string[]> Buscar(string texto)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var pagina = await scope.ServiceProvider.GetRequiredService<PortalService>()
                .ListarAsync(sesion, new FiltroComprobantes(Buscar: texto), 0, 25, OrdenComprobantes.FechaDesc, Ct);
            Assert.Equal(pagina.Filas.Count, pagina.Total);
            return pagina.Filas.Select(f => f.Uuid).Order().ToArray();
        }

        // "ZQ-16" as the portal shows serie-folio: ZQ-167ABC, ZQ-1670 and the folio ZQ16X without serie; not ZQ-25, not another RFC's.
        string[] zq16 = [a.Uuid, b.Uuid, sinSerie.Uuid];
        Assert.Equal(zq16.Order(), await Buscar("ZQ-16"));
        Assert.Equal(zq16.Order(), await Buscar("zq-16"));
        Assert.Equal(zq16.Order(), await Buscar("zq16"));
        Assert.DoesNotContain(deOtro.Uuid, await Buscar("ZQ-167"));
        Assert.Equal([a.Uuid], await Buscar("zq-167a"));
        // The folio alone, also by prefix and with the hyphen it has inside.
        Assert.Equal([a.Uuid], await Buscar("167A"));
        Assert.Equal([conGuion.Uuid], await Buscar("x-90"));
        Assert.Equal([conGuion.Uuid], await Buscar("W-X9071"));
        Assert.Empty(await Buscar("ZQ-17"));
        // A UUID's beginning still finds it.
        Assert.Equal([b.Uuid], await Buscar(b.Uuid[..13].ToLowerInvariant()));
    }
}
