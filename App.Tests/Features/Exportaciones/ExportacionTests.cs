using System.Net;
using AccesoDescargas.Features.Comprobantes;
using CsvHelper;
using Microsoft.EntityFrameworkCore;
using MiniExcelLibs;
using static AccesoDescargas.Tests.Features.Portal.Portal;

namespace AccesoDescargas.Tests.Features.Exportaciones;

/// <summary>"Exportar a Excel" and "Exportar CSV": the files are opened with the libraries that wrote them.</summary>
public class ExportacionTests
{
    private const string OtroRfc = "XIQB891116QE4";

    [Fact]
    public async Task El_Excel_del_portal_trae_el_filtro_del_receptor_con_numeros_y_fechas_y_nada_de_otro_RFC()
    {
        await using var app = new AppFactory();
        var fecha = new DateTime(2026, 3, 14, 9, 30, 0);
        var propio = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "EXP", folio: "16001", fecha: fecha);
        var otroDelMismoRfc = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "EXP", folio: "17001", fecha: fecha.AddDays(1));
        var ajeno = await AgregarComprobanteAsync(app, OtroRfc, serie: "EXP", folio: "16002", fecha: fecha);
        await using (var db = app.CrearDb())
            await db.Comprobantes.Where(c => c.Id == propio.Id).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.ImpuestosTrasladados, 160m).SetProperty(c => c.ImpuestosRetenidos, 12.5m).SetProperty(c => c.Estado, EstadoComprobante.Cancelado), Ct);
        var client = await ClienteConSesionAsync(app);

        var r = await client.GetAsync("/portal/demo/comprobantes.xlsx?desde=2026-03-01&hasta=2026-03-31", Ct);

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", r.Content.Headers.ContentType!.MediaType);
        Assert.EndsWith(".xlsx", r.Content.Headers.ContentDisposition!.FileNameStar);
        var filas = MiniExcel.Query(new MemoryStream(await r.Content.ReadAsByteArrayAsync(Ct)), useHeaderRow: true)
            .Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal(["Fecha", "Serie", "Folio", "UUID", "Tipo", "RFC emisor", "RFC receptor", "Subtotal", "Impuestos trasladados", "Impuestos retenidos", "Total", "Moneda", "Estado"],
            filas[0].Keys);
        Assert.Equal(new[] { propio.Uuid, otroDelMismoRfc.Uuid }.Order(), filas.Select(f => (string)f["UUID"]!).Order());
        Assert.DoesNotContain(filas, f => (string?)f["UUID"] == ajeno.Uuid || (string?)f["RFC receptor"] != AppFactory.ReceptorRfc);
        var fila = filas.Single(f => (string)f["UUID"]! == propio.Uuid);
        Assert.Equal(fecha, Assert.IsType<DateTime>(fila["Fecha"]));
        Assert.Equal("EXP", fila["Serie"]);
        Assert.Equal("16001", fila["Folio"]?.ToString());
        Assert.Equal("Ingreso", fila["Tipo"]);
        Assert.Equal("EKU9003173C9", fila["RFC emisor"]);
        Assert.Equal(1000d, Assert.IsType<double>(fila["Subtotal"]));
        Assert.Equal(160d, Assert.IsType<double>(fila["Impuestos trasladados"]));
        Assert.Equal(12.5d, Assert.IsType<double>(fila["Impuestos retenidos"]));
        Assert.Equal(1160d, Assert.IsType<double>(fila["Total"]));
        Assert.Equal("MXN", fila["Moneda"]);
        Assert.Equal("Cancelado", fila["Estado"]);

        // The search of the page (q) narrows it like the list: one folio.
        var unaFila = MiniExcel.Query(new MemoryStream(await client.GetByteArrayAsync("/portal/demo/comprobantes.xlsx?q=16001", Ct)), useHeaderRow: true)
            .Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal([propio.Uuid], unaFila.Select(f => (string)f["UUID"]!));
    }

    [Fact]
    public async Task El_CSV_del_portal_es_UTF8_con_BOM_y_trae_solo_los_del_receptor()
    {
        await using var app = new AppFactory();
        var propio = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "CSV", folio: "1", fecha: new DateTime(2026, 2, 3, 14, 5, 0), tipo: "E");
        var ajeno = await AgregarComprobanteAsync(app, OtroRfc, serie: "CSV", folio: "2", fecha: new DateTime(2026, 2, 3, 14, 5, 0), tipo: "E");
        var client = await ClienteConSesionAsync(app);

        var r = await client.GetAsync("/portal/demo/comprobantes.csv?tipo=E&desde=2026-02-01&hasta=2026-02-28", Ct);

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("text/csv", r.Content.Headers.ContentType!.MediaType);
        var bytes = await r.Content.ReadAsByteArrayAsync(Ct);
        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        using var csv = CsvReader.Create(bytes, new CsvReaderOptions { HasHeader = true });
        var filas = new List<Dictionary<string, string>>();
        while (csv.Read())
            filas.Add(new[] { "Fecha", "UUID", "Tipo", "RFC receptor", "Total", "Estado" }.ToDictionary(c => c, c => csv.GetString(c)));
        var fila = Assert.Single(filas);
        Assert.Equal(propio.Uuid, fila["UUID"]);
        Assert.Equal("03/02/2026 14:05", fila["Fecha"]);
        Assert.Equal("Egreso", fila["Tipo"]);
        Assert.Equal(AppFactory.ReceptorRfc, fila["RFC receptor"]);
        Assert.Equal("1160.00", fila["Total"]);
        Assert.Equal("Vigente", fila["Estado"]);
        Assert.DoesNotContain(ajeno.Uuid, System.Text.Encoding.UTF8.GetString(bytes));
    }

    [Fact]
    public async Task Sin_sesion_del_portal_no_hay_exportacion()
    {
        await using var app = new AppFactory();
        var r = await Cliente(app).GetAsync("/portal/demo/comprobantes.csv", Ct);
        Assert.NotEqual(HttpStatusCode.OK, r.StatusCode);
    }

    [Fact]
    public async Task El_personal_exporta_el_filtro_de_Comprobantes_a_Excel_y_CSV()
    {
        await using var app = new AppFactory();
        var propio = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "STF", folio: "1", fecha: new DateTime(2025, 11, 5, 10, 0, 0));
        var otro = await AgregarComprobanteAsync(app, OtroRfc, serie: "STF", folio: "2", fecha: new DateTime(2025, 11, 6, 10, 0, 0));
        var client = await ClienteEmisorAsync(app);

        var xlsx = MiniExcel.Query(new MemoryStream(await client.GetByteArrayAsync($"/comprobantes.xlsx?rfc={AppFactory.ReceptorRfc}&desde=2025-11-01&hasta=2025-11-30", Ct)), useHeaderRow: true)
            .Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal([propio.Uuid], xlsx.Select(f => (string)f["UUID"]!));
        Assert.Equal(1160d, xlsx[0]["Total"]);

        var texto = await client.GetStringAsync("/comprobantes.csv?desde=2025-11-01&hasta=2025-11-30", Ct);
        Assert.Contains(propio.Uuid, texto);
        Assert.Contains(otro.Uuid, texto);
        Assert.Contains("XIQB891116QE4", texto);

        var anonimo = await Cliente(app).GetAsync("/comprobantes.csv", Ct);
        Assert.NotEqual(HttpStatusCode.OK, anonimo.StatusCode);
    }

    [Fact]
    public async Task Las_exportaciones_respetan_los_filtros_de_saldo_pendiente_y_estado_en_el_SAT()
    {
        await using var app = new AppFactory();
        var fecha = new DateTime(2025, 8, 5, 10, 0, 0);
        var conSaldo = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "SAL", folio: "1", fecha: fecha);
        var pagada = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "SAL", folio: "2", fecha: fecha.AddDays(1));
        await using (var db = app.CrearDb())
        {
            await db.Comprobantes.Where(c => c.Id == conSaldo.Id).ExecuteUpdateAsync(u => u
                .SetProperty(c => c.EstadoPago, AccesoDescargas.Fiscal.EstadoPago.Parcial).SetProperty(c => c.SaldoPendiente, 500m)
                .SetProperty(c => c.EstadoSat, AccesoDescargas.Fiscal.EstadoSat.Vigente), Ct);
            await db.Comprobantes.Where(c => c.Id == pagada.Id).ExecuteUpdateAsync(u => u
                .SetProperty(c => c.EstadoPago, AccesoDescargas.Fiscal.EstadoPago.Pagada).SetProperty(c => c.SaldoPendiente, 0m)
                .SetProperty(c => c.EstadoSat, AccesoDescargas.Fiscal.EstadoSat.Cancelado), Ct);
        }

        // The receptor's export of "Con saldo pendiente", by the link the page builds.
        var portal = await ClienteConSesionAsync(app);
        var enlace = new AccesoDescargas.Features.Portal.FiltroComprobantes(DateOnly.FromDateTime(fecha), DateOnly.FromDateTime(fecha.AddDays(1)), ConSaldo: true).QueryString();
        var csv = await portal.GetStringAsync("/portal/demo/comprobantes.csv" + enlace, Ct);
        Assert.Contains(conSaldo.Uuid, csv);
        Assert.DoesNotContain(pagada.Uuid, csv);
        var xlsx = MiniExcel.Query(new MemoryStream(await portal.GetByteArrayAsync("/portal/demo/comprobantes.xlsx" + enlace, Ct)), useHeaderRow: true)
            .Cast<IDictionary<string, object?>>().ToList();
        Assert.Equal([conSaldo.Uuid], xlsx.Select(f => (string)f["UUID"]!));

        // The staff's export, by the link the Comprobantes page builds for each filter.
        var personal = await ClienteEmisorAsync(app);
        async Task<List<string>> ExportadosAsync(AccesoDescargas.Features.Comprobantes.FiltroComprobantes filtro)
        {
            var q = AccesoDescargas.Features.Comprobantes.ComprobantesService.QueryString(filtro);
            var texto = await personal.GetStringAsync("/comprobantes.csv" + q, Ct);
            var filas = MiniExcel.Query(new MemoryStream(await personal.GetByteArrayAsync("/comprobantes.xlsx" + q, Ct)), useHeaderRow: true)
                .Cast<IDictionary<string, object?>>().Select(f => (string)f["UUID"]!).ToList();
            Assert.All(filas, uuid => Assert.Contains(uuid, texto));
            return filas;
        }
        var periodo = new AccesoDescargas.Features.Comprobantes.FiltroComprobantes(AppFactory.ReceptorRfc, fecha.Date, fecha.Date.AddDays(1));
        Assert.Equal([conSaldo.Uuid], await ExportadosAsync(periodo with { ConSaldo = true }));
        Assert.Equal([pagada.Uuid], await ExportadosAsync(periodo with { EstadoSat = "cancelado" }));
        Assert.Equal(2, (await ExportadosAsync(periodo)).Count);
    }
}
