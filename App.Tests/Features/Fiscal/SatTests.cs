using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Fiscal;
using AccesoDescargas.Fiscal.Sat;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AccesoDescargas.Tests.Features.Fiscal.CfdisFiscales;

namespace AccesoDescargas.Tests.Features.Fiscal;

public class SatTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static Task<Verificacion> VerificarAsync(AppFactory app, string uuid) =>
        app.Services.GetRequiredService<VerificacionSat>().VerificarAsync(1, null, uuid, Ct);

    /// <summary>As if the minute between two checks had passed.</summary>
    private static async Task PasaUnMinutoAsync(AppFactory app)
    {
        await using var db = app.CrearDb();
        await db.Comprobantes.ExecuteUpdateAsync(s => s.SetProperty(c => c.SatSolicitadoEn, (DateTime?)null), Ct);
    }

    [Fact]
    public async Task Vigente_se_guarda_con_la_fecha_y_la_solicitud_lleva_el_sobre_y_los_encabezados_exactos()
    {
        await using var sat = await ServidorSat.IniciarAsync();
        await using var app = new AppFactory(sat.Ajustes());
        await ImportarAsync(app, ["factura-ppd-1.xml"], Ct);
        var antes = DateTime.UtcNow.AddSeconds(-1);

        var r = await VerificarAsync(app, Factura1);

        Assert.Equal(ResultadoVerificacion.Verificado, r.Resultado);
        var s = Assert.Single(sat.Solicitudes);
        Assert.Equal(("POST", "/ConsultaCFDIService.svc", "text/xml; charset=utf-8", "http://tempuri.org/IConsultaCFDIService/Consulta"),
            (s.Metodo, s.Ruta, s.ContentType, s.SoapAction));
        Assert.Equal(
            """<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tem="http://tempuri.org/"><soap:Body><tem:Consulta><tem:expresionImpresa>""" +
            "https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx?id=11111111-aaaa-4aaa-8aaa-000000000001&amp;re=EKU9003173C9&amp;rr=XIQB891116QE4&amp;tt=11600.0&amp;fe=cHJ1ZWJh" +
            "</tem:expresionImpresa></tem:Consulta></soap:Body></soap:Envelope>",
            s.Cuerpo);
        var c = await ComprobanteAsync(app, Factura1, Ct);
        Assert.Equal((EstadoSat.Vigente, "Cancelable con aceptación", null, "200"), (c.EstadoSat!.Value, c.SatEsCancelable, c.SatEstatusCancelacion, c.SatValidacionEfos));
        Assert.InRange(c.EstadoSatVerificadoEn!.Value, antes, DateTime.UtcNow.AddSeconds(1));
        await using var db = app.CrearDb();
        Assert.Equal(EstadoSat.Vigente, (await db.ConsultasSat.SingleAsync(x => x.ComprobanteId == c.Id, Ct)).Estado);
    }

    [Fact]
    public async Task Cancelado_en_el_sat_marca_el_comprobante_sin_tocar_la_marca_del_emisor_y_el_pago_deja_de_contar()
    {
        await using var sat = await ServidorSat.IniciarAsync();
        await using var app = new AppFactory(sat.Ajustes());
        await ImportarAsync(app, Todos, Ct);
        Assert.Equal(ResultadoVerificacion.Verificado, (await VerificarAsync(app, Pago10)).Resultado);
        await PasaUnMinutoAsync(app);

        sat.Respuesta = RespuestaPrueba.CanceladoConAceptacion;
        var r = await VerificarAsync(app, Pago10);

        Assert.Equal(ResultadoVerificacion.Verificado, r.Resultado);
        var pago = await ComprobanteAsync(app, Pago10, Ct);
        Assert.Equal((EstadoSat.Cancelado, "Cancelado con aceptación", EstadoComprobante.Vigente), (pago.EstadoSat!.Value, pago.SatEstatusCancelacion, pago.Estado));
        Assert.True(pago.EsCancelado);
        // Without parcialidad 2 (3,000), F-501 owes 6,600 less the 600 nota.
        Assert.Equal(6000.00m, (await ComprobanteAsync(app, Factura1, Ct)).SaldoPendiente);
        await using var db = app.CrearDb();
        Assert.Equal([EstadoSat.Vigente, EstadoSat.Cancelado],
            await db.ConsultasSat.Where(x => x.ComprobanteId == pago.Id).OrderBy(x => x.Id).Select(x => x.Estado!.Value).ToListAsync(Ct));
    }

    [Fact]
    public async Task No_encontrado_se_guarda_y_N_601_conserva_el_ultimo_estado_conocido()
    {
        await using var sat = await ServidorSat.IniciarAsync();
        await using var app = new AppFactory(sat.Ajustes());
        await ImportarAsync(app, ["factura-ppd-1.xml", "factura-ppd-2.xml"], Ct);

        sat.Respuesta = RespuestaPrueba.NoEncontrado;
        await VerificarAsync(app, Factura2);
        Assert.Equal(EstadoSat.NoEncontrado, (await ComprobanteAsync(app, Factura2, Ct)).EstadoSat);

        sat.Respuesta = RespuestaPrueba.Vigente;
        await VerificarAsync(app, Factura1);
        await PasaUnMinutoAsync(app);
        sat.Respuesta = RespuestaPrueba.N601;
        var r = await VerificarAsync(app, Factura1);

        Assert.Contains("N - 601", r.Mensaje);
        Assert.Equal(EstadoSat.Vigente, (await ComprobanteAsync(app, Factura1, Ct)).EstadoSat);
    }

    [Theory]
    [InlineData(RespuestaPrueba.Http500)]
    [InlineData(RespuestaPrueba.Colgar)]
    public async Task Un_error_o_un_silencio_del_sat_reintenta_y_deja_el_ultimo_estado_con_su_fecha(RespuestaPrueba falla)
    {
        await using var sat = await ServidorSat.IniciarAsync();
        await using var app = new AppFactory(sat.Ajustes());
        await ImportarAsync(app, ["factura-ppd-1.xml"], Ct);
        await VerificarAsync(app, Factura1);
        var conocido = await ComprobanteAsync(app, Factura1, Ct);
        await PasaUnMinutoAsync(app);

        sat.Respuesta = falla;
        var r = await VerificarAsync(app, Factura1);

        Assert.Equal((ResultadoVerificacion.SatNoDisponible, VerificacionSat.MensajeSinRespuesta), (r.Resultado, r.Mensaje));
        Assert.True(sat.Solicitudes.Count >= 1 + 3, $"{sat.Solicitudes.Count} solicitudes"); // the first check, then an attempt and at least two retries
        var c = await ComprobanteAsync(app, Factura1, Ct);
        Assert.Equal((EstadoSat.Vigente, conocido.EstadoSatVerificadoEn), (c.EstadoSat!.Value, c.EstadoSatVerificadoEn));
    }

    [Fact]
    public async Task El_boton_se_admite_una_vez_por_minuto_aunque_lleguen_clics_en_paralelo()
    {
        await using var sat = await ServidorSat.IniciarAsync();
        await using var app = new AppFactory(sat.Ajustes());
        await ImportarAsync(app, ["factura-ppd-1.xml"], Ct);

        var resultados = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => VerificarAsync(app, Factura1), Ct)));

        Assert.Single(resultados, r => r.Resultado == ResultadoVerificacion.Verificado);
        Assert.All(resultados.Where(r => r.Resultado != ResultadoVerificacion.Verificado), r => Assert.Equal(VerificacionSat.MensajeReciente, r.Mensaje));
        Assert.Single(sat.Solicitudes);
    }

    [Fact]
    public async Task El_portal_no_verifica_comprobantes_de_otro_receptor()
    {
        await using var sat = await ServidorSat.IniciarAsync();
        await using var app = new AppFactory(sat.Ajustes());
        await ImportarAsync(app, ["factura-ppd-1.xml"], Ct);

        var r = await app.Services.GetRequiredService<VerificacionSat>().VerificarAsync(1, "COSC8001137NA", Factura1, Ct);

        Assert.Equal(ResultadoVerificacion.NoEncontrado, r.Resultado);
        Assert.Empty(sat.Solicitudes);
    }

    [Fact]
    public async Task El_refresco_en_segundo_plano_verifica_lo_recien_importado()
    {
        await using var sat = await ServidorSat.IniciarAsync();
        // The files are from 2025: a window of ten years takes them in.
        await using var app = new AppFactory(sat.Ajustes(new() { ["Sat:Refrescar"] = "true", ["Sat:DiasARevisar"] = "3650" }));
        _ = app.Services; // starts the host and its refresher

        await ImportarAsync(app, ["factura-ppd-1.xml", "factura-ppd-2.xml"], Ct);

        var limite = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await using var db = app.CrearDb();
            var verificados = await db.Comprobantes.CountAsync(c => (c.Uuid == Factura1 || c.Uuid == Factura2) && c.EstadoSat == EstadoSat.Vigente, Ct);
            if (verificados == 2) break;
            Assert.True(DateTime.UtcNow < limite, "El refresco no verificó los comprobantes importados.");
            await Task.Delay(50, Ct);
        }
        Assert.Contains(sat.Solicitudes, s => s.Cuerpo.Contains("000000000002"));
    }

    [Fact]
    [Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // no database
    public void El_portal_dice_vigente_con_la_hora_de_la_verificacion_en_hora_de_mexico()
    {
        Assert.Equal("Vigente · verificado el 01/12/2026 10:00", TextosFiscales.EstadoSat(EstadoSat.Vigente, new DateTime(2026, 12, 1, 16, 0, 0, DateTimeKind.Utc)));
        Assert.Equal("Cancelado", TextosFiscales.EstadoSat(EstadoSat.Cancelado, DateTime.UtcNow));
    }
}
