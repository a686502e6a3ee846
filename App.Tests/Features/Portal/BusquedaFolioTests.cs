using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Features.Portal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AccesoDescargas.Tests.Features.Portal;

/// <summary>Issue 10: the folio search matches by prefix, in the portal and on the staff's Comprobantes page, on both engines.</summary>
public class BusquedaFolioTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private const string OtroRfc = "XIQB891116QE4";

    [Fact]
    public async Task Un_prefijo_de_serie_y_folio_encuentra_sus_comprobantes_y_nada_de_otro_rfc_ni_de_otro_emisor()
    {
        await using var app = new AppFactory();
        int otroEmisor;
        await using (var db = app.CrearDb())
        {
            var otro = new Emisor { Rfc = "CSM190311AH6", RazonSocial = "OTRO EMISOR", Slug = "otro" };
            db.Emisores.Add(otro);
            await db.SaveChangesAsync(Ct);
            otroEmisor = otro.Id;
        }
        var buscado = await Portal.AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "QA", folio: "167ABC");
        var corto = await Portal.AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "QA", folio: "16");
        var otraSerie = await Portal.AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "QB", folio: "1670");
        var conGuion = await Portal.AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: null, folio: "QA-1699");
        var ajeno = await Portal.AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "QA", folio: "99");
        var deOtroRfc = await Portal.AgregarComprobanteAsync(app, OtroRfc, serie: "QA", folio: "167ABC");
        var deOtroEmisor = await Portal.AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, emisorId: otroEmisor, serie: "QA", folio: "167ABC");

        SesionPortal sesion;
        await using (var db = app.CrearDb())
            sesion = await db.Accesos.Where(a => a.Rfc == AppFactory.ReceptorRfc && a.EmisorId == buscado.EmisorId)
                .Select(a => new SesionPortal(a.Id, a.EmisorId, "demo", a.Rfc, a.SelloSeguridad)).SingleAsync(Ct);
        await using var scope = app.Services.CreateAsyncScope();
        var portal = scope.ServiceProvider.GetRequiredService<PortalService>();
        var personal = scope.ServiceProvider.GetRequiredService<ComprobantesService>();

        async Task<HashSet<string>> EnPortalAsync(string buscar)
        {
            var pagina = await portal.ListarAsync(sesion, new AccesoDescargas.Features.Portal.FiltroComprobantes(Buscar: buscar), 0, 100, OrdenComprobantes.FechaDesc, Ct);
            Assert.Equal(pagina.Total, pagina.Filas.Count);
            return pagina.Filas.Select(f => f.Uuid).ToHashSet();
        }
        async Task<List<ComprobanteFila>> DelPersonalAsync(string buscar, string? rfc = null) =>
            [.. (await personal.PaginaAsync(buscado.EmisorId, new(ReceptorRfc: rfc, Buscar: buscar), 0, 100, Ct)).Filas];

        // "QA-16": serie QA with a folio that starts with 16, typed with or without the dash, in any case; also a
        // folio that itself carries the dash. Q is not a hex digit: no UUID starts with it.
        HashSet<string> esperados = [buscado.Uuid, corto.Uuid, conGuion.Uuid];
        Assert.Equal(esperados, await EnPortalAsync("QA-16"));
        Assert.Equal(esperados, await EnPortalAsync("qa16"));
        Assert.Equal(esperados, await EnPortalAsync(" qa - 16 "));
        Assert.Equal([buscado.Uuid], await EnPortalAsync("QA-167abc"));
        Assert.Equal([buscado.Uuid], await EnPortalAsync("QA167"));
        Assert.Empty(await EnPortalAsync("QA-17"));

        // The folio alone ("167"), without its serie. A random UUID could start with 167 too: only these are checked.
        var porFolio = await EnPortalAsync("167");
        Assert.Contains(buscado.Uuid, porFolio);
        Assert.Contains(otraSerie.Uuid, porFolio);
        Assert.DoesNotContain(corto.Uuid, porFolio);
        Assert.DoesNotContain(ajeno.Uuid, porFolio);

        // The start of the UUID, and the whole UUID in lower case.
        Assert.Contains(buscado.Uuid, await EnPortalAsync(buscado.Uuid[..8].ToLowerInvariant()));
        Assert.Equal([buscado.Uuid], await EnPortalAsync(buscado.Uuid.ToLowerInvariant()));

        // Another RFC's and another emisor's comprobante with the very same serie and folio never show in this portal.
        foreach (var buscar in new[] { "QA-16", "167", "QA167ABC", deOtroRfc.Uuid, deOtroEmisor.Uuid, deOtroRfc.Uuid[..8] })
        {
            var vistos = await EnPortalAsync(buscar);
            Assert.DoesNotContain(deOtroRfc.Uuid, vistos);
            Assert.DoesNotContain(deOtroEmisor.Uuid, vistos);
        }

        // The staff see every receptor of their own emisor, and only theirs.
        var delEmisor = await DelPersonalAsync("qa-16");
        Assert.Equal([buscado.Uuid, corto.Uuid, conGuion.Uuid, deOtroRfc.Uuid], delEmisor.Select(f => f.Uuid).ToHashSet());
        Assert.Equal([deOtroRfc.Uuid], (await DelPersonalAsync("QA-167", rfc: OtroRfc)).Select(f => f.Uuid));
        Assert.Empty(await DelPersonalAsync(deOtroEmisor.Uuid));
        Assert.Equal("?q=QA-16", ComprobantesService.QueryString(new(Buscar: " QA-16 ")));
    }
}
