using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Correos;
using AccesoDescargas.Features.Tablero;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AccesoDescargas.Tests.Features.Portal.Portal;

namespace AccesoDescargas.Tests.Features.Tablero;

public class TableroServiceTests
{
    [Fact]
    public async Task El_inicio_cuenta_descargas_por_dia_de_Mexico_accesos_sin_uso_y_con_correo_fallido_importados_del_mes_y_clientes_sin_correo()
    {
        await using var app = new AppFactory();
        // 1 Dec 2026, 03:00 UTC is still 30 Nov in Mexico City (UTC-6).
        var ahora = new DateTime(2026, 12, 1, 3, 0, 0, DateTimeKind.Utc);
        int emisorId;
        await using (var db = app.CrearDb())
        {
            emisorId = await db.Emisores.Where(e => e.Slug == "demo").Select(e => e.Id).SingleAsync(Ct);
            await db.Eventos.ExecuteDeleteAsync(Ct);
            db.Eventos.AddRange(
                Descarga(emisorId, "descarga.pdf", new DateTime(2026, 12, 1, 2, 0, 0)),   // 30/11 20:00 in Mexico
                Descarga(emisorId, "descarga.zip", new DateTime(2026, 11, 30, 7, 0, 0)),  // 30/11 01:00
                Descarga(emisorId, "descarga.xml", new DateTime(2026, 11, 30, 5, 0, 0)),  // 29/11 23:00
                Descarga(emisorId, "descarga.xml", new DateTime(2026, 10, 31, 12, 0, 0)), // 31/10: day 31 back, out
                Descarga(emisorId, "acceso.creado", new DateTime(2026, 11, 30, 7, 0, 0)), // not a download
                Descarga(emisorId + 1000, "descarga.pdf", new DateTime(2026, 11, 30, 7, 0, 0))); // another emisor's
            var acceso = await db.Accesos.FirstAsync(a => a.EmisorId == emisorId, Ct);
            var correo = new CorreoSaliente { EmisorId = emisorId, Para = "nadie@ejemplo.mx", Asunto = "Contraseña", Tipo = "contrasena", Estado = EstadoCorreo.Fallido };
            db.Correos.Add(correo);
            await db.SaveChangesAsync(Ct);
            acceso.UltimoEnvioEn = ahora;
            acceso.UltimoEnvioCorreoId = correo.Id;
            await db.SaveChangesAsync(Ct);
        }

        var tablero = await app.Services.GetRequiredService<TableroService>().ObtenerAsync(emisorId, ahora, Ct);

        Assert.Equal(30, tablero.DescargasPorDia.Count);
        Assert.Equal(new DateOnly(2026, 11, 30), tablero.DescargasPorDia[^1].Dia);
        Assert.Equal(new DateOnly(2026, 11, 1), tablero.DescargasPorDia[0].Dia);
        Assert.Equal(2, tablero.DescargasPorDia[^1].Descargas);
        Assert.Equal(1, tablero.DescargasPorDia[^2].Descargas);
        Assert.Equal(3, tablero.DescargasTotales);
        Assert.Equal(1, tablero.AccesosConCorreoFallido);
        await using (var db = app.CrearDb())
        {
            Assert.Equal(await db.Accesos.CountAsync(a => a.EmisorId == emisorId && a.UltimoAccesoEn == null, Ct), tablero.AccesosSinUso);
            Assert.True(tablero.AccesosSinUso > 0);
            Assert.Equal(await db.Clientes.CountAsync(c => c.EmisorId == emisorId && (c.Email == null || c.Email == ""), Ct), tablero.ClientesSinCorreo);
            var inicioMes = new DateTime(2026, 11, 1, 6, 0, 0);
            Assert.Equal(await db.Comprobantes.CountAsync(c => c.EmisorId == emisorId && c.ImportadoEn >= inicioMes, Ct), tablero.ComprobantesImportadosEsteMes);
        }

        // The links open the grid filtered to exactly those accesses.
        var accesos = app.Services.GetRequiredService<AccesosService>();
        var (fallidos, totalFallidos) = await accesos.PaginaAsync(emisorId, new ConsultaAccesos(null, 0, 25, Filtro: FiltroAccesos.CorreoFallido), Ct);
        Assert.Equal(1, totalFallidos);
        var (_, totalSinUso) = await accesos.PaginaAsync(emisorId, new ConsultaAccesos(null, 0, 25, Filtro: FiltroAccesos.SinUso), Ct);
        Assert.Equal(tablero.AccesosSinUso, totalSinUso);
        Assert.Equal(EstadoCorreo.Fallido, Assert.Single(fallidos).UltimoEnvioEstado);
    }

    private static Evento Descarga(int emisorId, string que, DateTime cuandoUtc) =>
        new() { EmisorId = emisorId, Quien = "receptor:COSC8001137NA", Que = que, Rfc = "COSC8001137NA", Cuando = cuandoUtc };
}
