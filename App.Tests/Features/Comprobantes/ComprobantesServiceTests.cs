using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Comprobantes;
using Microsoft.Extensions.DependencyInjection;
using static AccesoDescargas.Tests.Features.Comprobantes.Cfdis;

namespace AccesoDescargas.Tests.Features.Comprobantes;

public class ComprobantesServiceTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task El_grid_filtra_por_rfc_fechas_tipo_y_estado_y_pagina_del_mas_reciente_al_mas_antiguo()
    {
        await using var app = new AppFactory();
        await using var scope = app.Services.CreateAsyncScope();
        var importacion = scope.ServiceProvider.GetRequiredService<ImportacionService>();
        var servicio = scope.ServiceProvider.GetRequiredService<ComprobantesService>();
        var actor = new Actor("prueba", null);
        var (marzo, abril, mayo, pago) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        foreach (var (uuid, fecha, tipo) in new[] { (marzo, new DateTime(2024, 3, 31, 23, 59, 0), "I"), (abril, new DateTime(2024, 4, 15, 9, 0, 0), "E"), (mayo, new DateTime(2024, 5, 1, 0, 0, 0), "I"), (pago, new DateTime(2024, 4, 30, 23, 0, 0), "P") })
            await importacion.ImportarAsync(1, actor, new MemoryStream(Bytes(Xml(uuid, "XIQB891116QE4", "BERENICE", tipo: tipo, folio: tipo + fecha.Month, fecha: fecha))), null, Ct);
        await servicio.MarcarEstadoAsync(1, pago.ToString(), EstadoComprobante.Cancelado, actor, Ct);
        string Clave(Guid g) => g.ToString().ToUpperInvariant();

        var (delReceptor, total) = await servicio.PaginaAsync(1, new(ReceptorRfc: "xiqb"), 0, 25, Ct);
        Assert.Equal(4, total);
        Assert.Equal([Clave(mayo), Clave(pago), Clave(abril), Clave(marzo)], delReceptor.Select(f => f.Uuid));

        var (abrilCompleto, _) = await servicio.PaginaAsync(1, new(ReceptorRfc: "XIQB891116QE4", Desde: new DateTime(2024, 4, 1), Hasta: new DateTime(2024, 4, 30)), 0, 25, Ct);
        Assert.Equal([Clave(pago), Clave(abril)], abrilCompleto.Select(f => f.Uuid)); // "hasta" includes the whole last day

        Assert.Equal([Clave(abril)], (await servicio.PaginaAsync(1, new(ReceptorRfc: "XIQB", Tipo: "E"), 0, 25, Ct)).Filas.Select(f => f.Uuid));
        var cancelados = (await servicio.PaginaAsync(1, new(ReceptorRfc: "XIQB", Estado: EstadoComprobante.Cancelado), 0, 25, Ct)).Filas;
        Assert.Equal([Clave(pago)], cancelados.Select(f => f.Uuid));

        var (segunda, todos) = await servicio.PaginaAsync(1, new(), 1, 10, Ct);
        Assert.Equal(24, todos); // 20 demo comprobantes + these 4
        Assert.Equal(10, segunda.Count);
        var (primera, _) = await servicio.PaginaAsync(1, new(), 0, 10, Ct);
        Assert.True(primera[^1].Fecha >= segunda[0].Fecha);
        Assert.Empty(primera.Select(f => f.Uuid).Intersect(segunda.Select(f => f.Uuid)));

        // Another emisor's page never shows these.
        Assert.Equal(0, (await servicio.PaginaAsync(2, new(), 0, 25, Ct)).Total);
    }
}
