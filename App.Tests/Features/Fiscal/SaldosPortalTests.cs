using System.Net.Http.Json;
using System.Text.Json;
using AccesoDescargas.Features.Portal;
using AccesoDescargas.Fiscal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AccesoDescargas.Tests.Features.Fiscal.CfdisFiscales;

namespace AccesoDescargas.Tests.Features.Fiscal;

public class SaldosPortalTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static async Task<SesionPortal> SesionAsync(AppFactory app, string rfc)
    {
        await using var db = app.CrearDb();
        return await db.Accesos.Where(a => a.Rfc == rfc).Select(a => new SesionPortal(a.Id, 1, "demo", rfc, a.SelloSeguridad)).SingleAsync(Ct);
    }

    [Fact]
    public async Task La_lista_muestra_el_estado_de_pago_filtra_con_saldo_y_suma_el_filtro()
    {
        await using var app = new AppFactory();
        await ImportarAsync(app, Todos, Ct);
        var portal = app.Services.GetRequiredService<PortalService>();
        var sesion = await SesionAsync(app, Receptor);

        var todas = await portal.ListarAsync(sesion, new(), 0, 25, OrdenComprobantes.FechaDesc, Ct);
        Assert.Equal("Pagada parcialmente (saldo $3,000.00 de $11,600.00)", todas.Filas.Single(f => f.Uuid == Factura1).EstadoPagoTexto);
        Assert.Equal("Pagada", todas.Filas.Single(f => f.Uuid == Factura2).EstadoPagoTexto);
        Assert.Equal("Pagada (PUE)", todas.Filas.Single(f => f.Uuid == FacturaPue).EstadoPagoTexto);
        Assert.Equal("", todas.Filas.Single(f => f.Uuid == Pago20).EstadoPagoTexto);

        var conSaldo = await portal.ListarAsync(sesion, new(ConSaldo: true), 0, 25, OrdenComprobantes.FechaDesc, Ct);
        Assert.Equal([Factura1], conSaldo.Filas.Select(f => f.Uuid));

        var totales = Assert.Single(await portal.TotalesAsync(sesion, new(), Ct));
        Assert.Equal(("MXN", 11600m + 2320m + 1160m, 8000m + 2320m + 1160m, 3000m), (totales.Moneda, totales.Facturado, totales.Pagado, totales.SaldoPendiente));
        var delFiltro = Assert.Single(await portal.TotalesAsync(sesion, new(ConSaldo: true), Ct));
        Assert.Equal((11600m, 8000m, 3000m), (delFiltro.Facturado, delFiltro.Pagado, delFiltro.SaldoPendiente));
    }

    [Fact]
    public async Task El_detalle_lista_pagos_y_notas_el_pago_sus_facturas_y_nada_de_otro_receptor()
    {
        await using var app = new AppFactory();
        await ImportarAsync(app, Todos, Ct);
        var portal = app.Services.GetRequiredService<PortalService>();
        var sesion = await SesionAsync(app, Receptor);

        var f1 = (await portal.DetalleAsync(sesion, Factura1.ToLowerInvariant(), Ct))!;
        Assert.Equal([(Pago20, 1, 5000.00m, 6600.00m), (Pago10, 2, 3000.00m, 3600.00m)],
            f1.Pagos.Select(p => (p.Uuid, p.Parcialidad!.Value, p.ImpPagado!.Value, p.SaldoInsoluto!.Value)));
        Assert.DoesNotContain(f1.Pagos, p => p.Uuid == PagoOtroReceptor);
        Assert.Equal([(Nota, "NC-12", 600.00m)], f1.Notas.Select(n => (n.Uuid, n.SerieFolio, n.Total)));

        var pago = (await portal.DetalleAsync(sesion, Pago20, Ct))!;
        Assert.Equal([(Factura1, "F-501", true), (Factura2, "F-502", true)], pago.Paga.Select(f => (f.Uuid, f.SerieFolio, f.Importada)));

        // The other receptor sees its own pago, but not the invoice of XIQB891116QE4 that it names.
        var otra = await SesionAsync(app, "COSC8001137NA");
        Assert.Null(await portal.DetalleAsync(otra, Factura1, Ct));
        var ajeno = (await portal.DetalleAsync(otra, PagoOtroReceptor, Ct))!;
        Assert.Equal([(Factura1, "", false), (Factura2, "", false)], ajeno.Paga.Select(f => (f.Uuid, f.SerieFolio, f.Importada)));
    }

    [Fact]
    public async Task La_api_da_el_estado_fiscal_de_un_comprobante()
    {
        await using var app = new AppFactory();
        await ImportarAsync(app, Todos, Ct);
        using var http = app.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", AppFactory.ApiKey);

        var f1 = await http.GetFromJsonAsync<JsonElement>($"/api/v1/comprobantes/{Factura1}", Ct);
        Assert.Equal(("PPD", "parcial", 3000.00m), (f1.GetProperty("metodoPago").GetString(), f1.GetProperty("estadoPago").GetString(), f1.GetProperty("saldoPendiente").GetDecimal()));
        Assert.Equal(JsonValueKind.Null, f1.GetProperty("estadoSat").ValueKind);
        Assert.Equal(JsonValueKind.Null, f1.GetProperty("estadoSatVerificadoEn").ValueKind);
        Assert.Equal([Pago20, Pago10], f1.GetProperty("pagadoPor").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal([Nota], f1.GetProperty("notasDeCredito").EnumerateArray().Select(x => x.GetString()));
        Assert.Empty(f1.GetProperty("paga").EnumerateArray());

        var pago = await http.GetFromJsonAsync<JsonElement>($"/api/v1/comprobantes/{Pago20}", Ct);
        Assert.Equal(JsonValueKind.Null, pago.GetProperty("estadoPago").ValueKind);
        Assert.Equal([Factura1, Factura2], pago.GetProperty("paga").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal("pue", (await http.GetFromJsonAsync<JsonElement>($"/api/v1/comprobantes/{FacturaPue}", Ct)).GetProperty("estadoPago").GetString());
    }
}
