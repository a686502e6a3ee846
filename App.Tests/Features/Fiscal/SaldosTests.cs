using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Fiscal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AccesoDescargas.Tests.Features.Fiscal.CfdisFiscales;

namespace AccesoDescargas.Tests.Features.Fiscal;

public class SaldosTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static async Task AfirmarSaldosEsperadosAsync(AppFactory app)
    {
        // F-501: 11,600 − 5,000 (parcialidad 1) − 3,000 (parcialidad 2) = 3,600 insoluto, less the 600 nota = 3,000.
        var f1 = await ComprobanteAsync(app, Factura1, Ct);
        Assert.Equal((EstadoPago.Parcial, 3000.00m, 8000.00m, 600.00m), (f1.EstadoPago!.Value, f1.SaldoPendiente!.Value, f1.Pagado!.Value, f1.Acreditado!.Value));
        Assert.Equal(("PPD", "99"), (f1.MetodoPago, f1.FormaPago));
        var f2 = await ComprobanteAsync(app, Factura2, Ct);
        Assert.Equal((EstadoPago.Pagada, 0m), (f2.EstadoPago!.Value, f2.SaldoPendiente!.Value));
        var pue = await ComprobanteAsync(app, FacturaPue, Ct);
        Assert.Equal((EstadoPago.Pue, 0m), (pue.EstadoPago!.Value, pue.SaldoPendiente!.Value));
        Assert.Null((await ComprobanteAsync(app, Pago20, Ct)).EstadoPago);
    }

    [Fact]
    public async Task Facturas_ppd_con_parcialidades_de_pagos_10_y_20_y_una_nota_de_credito_dan_su_saldo()
    {
        await using var app = new AppFactory();

        await ImportarAsync(app, Todos, Ct);

        await AfirmarSaldosEsperadosAsync(app);
        await using var db = app.CrearDb();
        var pago20 = await db.Comprobantes.Include(c => c.PagosAplicados).SingleAsync(c => c.Uuid == Pago20, Ct);
        Assert.Equal(
            [(Factura1, 1, 11600.00m, 5000.00m, 6600.00m, 7320.00m, "03"), (Factura2, 1, 2320.00m, 2320.00m, 0.00m, 7320.00m, "03")],
            pago20.PagosAplicados.OrderBy(p => p.IdDocumento)
                .Select(p => (p.IdDocumento, p.NumParcialidad!.Value, p.ImpSaldoAnt!.Value, p.ImpPagado!.Value, p.ImpSaldoInsoluto!.Value, p.Monto, p.FormaDePago!)));
        Assert.Equal(new DateTime(2025, 2, 28, 9, 15, 0), pago20.PagosAplicados[0].FechaPago);
        var nota = await db.Relaciones.SingleAsync(r => r.Comprobante!.Uuid == Nota, Ct);
        Assert.Equal(("01", Factura1, Receptor), (nota.TipoRelacion, nota.Uuid, nota.ReceptorRfc));
    }

    [Fact]
    public async Task Los_pagos_y_la_nota_importados_antes_que_sus_facturas_se_enlazan_al_llegar_estas()
    {
        await using var app = new AppFactory();

        await ImportarAsync(app, Todos.Reverse(), Ct);

        await AfirmarSaldosEsperadosAsync(app);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Todos_en_un_zip_se_guardan_en_un_lote_y_dan_los_mismos_saldos(bool alReves)
    {
        await using var app = new AppFactory();
        var nombres = alReves ? Todos.Reverse().ToArray() : Todos;
        var zip = AccesoDescargas.Tests.Features.Comprobantes.Cfdis.Zip(nombres.Select(n => (n, File.ReadAllBytes(Ruta(n)))).ToArray());

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var r = await scope.ServiceProvider.GetRequiredService<ImportacionService>().ImportarLoteAsync(1, new Actor(AppFactory.AdminEmail, "127.0.0.1"),
                [new ArchivoEntrante("cfdi.zip", zip.Length, _ => Task.FromResult<Stream>(new MemoryStream(zip)))], ct: Ct);
            Assert.All(r, x => Assert.True(x.Estado == EstadoImportacion.Importado, $"{x.Archivo}: {x.Detalle}"));
        }

        await AfirmarSaldosEsperadosAsync(app);
        await using var db = app.CrearDb();
        Assert.Equal(2, await db.PagosAplicados.CountAsync(p => p.Comprobante!.Uuid == Pago20, Ct));
        Assert.Equal(Factura1, await db.Relaciones.Where(r => r.Comprobante!.Uuid == Nota).Select(r => r.Uuid).SingleAsync(Ct));
    }

    [Fact]
    public async Task El_pago_de_otro_receptor_que_nombra_la_factura_no_la_toca()
    {
        await using var app = new AppFactory();

        // The other receptor's pago says it paid all of F-501; alone with the invoice it must change nothing.
        await ImportarAsync(app, ["pago20-otro-receptor.xml", "factura-ppd-1.xml"], Ct);

        var f1 = await ComprobanteAsync(app, Factura1, Ct);
        Assert.Equal((EstadoPago.Pendiente, 11600.00m), (f1.EstadoPago!.Value, f1.SaldoPendiente!.Value));
    }

    [Fact]
    public async Task Un_pago_o_una_nota_cancelados_dejan_de_contar_y_vuelven_a_contar_al_marcarse_vigentes()
    {
        await using var app = new AppFactory();
        await ImportarAsync(app, Todos, Ct);
        var comprobantes = app.Services.GetRequiredService<ComprobantesService>();
        var admin = new Actor(AppFactory.AdminEmail, "127.0.0.1");

        Assert.True(await comprobantes.MarcarEstadoAsync(1, Pago10, EstadoComprobante.Cancelado, admin, Ct));
        Assert.Equal(6000.00m, (await ComprobanteAsync(app, Factura1, Ct)).SaldoPendiente); // 6,600 after parcialidad 1, less the nota

        Assert.True(await comprobantes.MarcarEstadoAsync(1, Nota, EstadoComprobante.Cancelado, admin, Ct));
        Assert.Equal(6600.00m, (await ComprobanteAsync(app, Factura1, Ct)).SaldoPendiente);

        Assert.True(await comprobantes.MarcarEstadoAsync(1, Pago10, EstadoComprobante.Vigente, admin, Ct));
        Assert.True(await comprobantes.MarcarEstadoAsync(1, Nota, EstadoComprobante.Vigente, admin, Ct));
        await AfirmarSaldosEsperadosAsync(app);
    }

    [Fact]
    public async Task La_lectura_de_relaciones_al_iniciar_completa_los_comprobantes_importados_antes()
    {
        await using var app = new AppFactory();
        await ImportarAsync(app, Todos, Ct);
        await using (var db = app.CrearDb())
        {
            // As the rows were before this feature: no relation rows, no saldos, not read.
            await db.PagosAplicados.ExecuteDeleteAsync(Ct);
            await db.Relaciones.ExecuteDeleteAsync(Ct);
            await db.Comprobantes.ExecuteUpdateAsync(s => s
                .SetProperty(c => c.RelacionesLeidas, false).SetProperty(c => c.EstadoPago, (EstadoPago?)null)
                .SetProperty(c => c.SaldoPendiente, (decimal?)null).SetProperty(c => c.MetodoPago, (string?)null), Ct);
        }

        var lectura = app.Services.GetRequiredService<LecturaDeRelaciones>();
        while (await lectura.LeerLoteAsync(Ct) > 0) { }

        await AfirmarSaldosEsperadosAsync(app);
        await using var db2 = app.CrearDb();
        Assert.False(await db2.Comprobantes.AnyAsync(c => !c.RelacionesLeidas, Ct));
        Assert.Equal(3, await db2.PagosAplicados.CountAsync(p => p.ReceptorRfc == Receptor, Ct));
    }

    [Theory]
    [InlineData("6600.00", "5000.00", "1600.00")]  // saldo anterior − pagado ≠ insoluto
    [InlineData("11600.00", "5000.00", "6000.00")] // the parcialidades do not add up to the total
    [Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // no database
    public void Montos_que_no_cuadran_se_dicen_inconsistentes(string anterior, string pagado, string insoluto)
    {
        var pagos = new List<PagoAplicado>
        {
            new() { ReceptorRfc = Receptor, IdDocumento = Factura1, NumParcialidad = 1, ImpSaldoAnt = decimal.Parse(anterior, System.Globalization.CultureInfo.InvariantCulture),
                ImpPagado = decimal.Parse(pagado, System.Globalization.CultureInfo.InvariantCulture), ImpSaldoInsoluto = decimal.Parse(insoluto, System.Globalization.CultureInfo.InvariantCulture) },
        };

        var saldo = SaldosFiscales.Calcular("PPD", 11600m, "MXN", pagos, []);

        Assert.Equal(EstadoPago.Inconsistente, saldo.Estado);
        Assert.Null(saldo.Pendiente);
    }

    [Fact]
    [Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // no database
    public void Una_parcialidad_repetida_no_se_cuenta_dos_veces()
    {
        PagoAplicado Parcialidad() => new() { ReceptorRfc = Receptor, IdDocumento = Factura1, NumParcialidad = 1, ImpSaldoAnt = 100m, ImpPagado = 50m, ImpSaldoInsoluto = 50m };

        Assert.Equal(EstadoPago.Inconsistente, SaldosFiscales.Calcular("PPD", 100m, "MXN", [Parcialidad(), Parcialidad()], []).Estado);
        Assert.Equal((EstadoPago.Parcial, 50m), (SaldosFiscales.Calcular("PPD", 100m, "MXN", [Parcialidad()], []) is var s ? (s.Estado!.Value, s.Pendiente!.Value) : default));
    }
}
