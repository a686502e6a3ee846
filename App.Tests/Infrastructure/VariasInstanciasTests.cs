using AccesoDescargas.Features.Correos;
using AccesoDescargas.Features.Representacion;
using AccesoDescargas.Infrastructure.Email;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AccesoDescargas.Tests.Infrastructure;

/// <summary>
/// Two instances of the app on one database: the background work each one does is claimed in the
/// database first, so no email goes out twice and no PDF is rendered twice.
/// </summary>
public class VariasInstanciasTests
{
    private const int EmisorDemo = 1;
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Cincuenta_correos_encolados_con_dos_instancias_activas_llegan_una_sola_vez()
    {
        await using var servidor = await ServidorSmtp.IniciarNuevoAsync();
        await using var primera = new AppFactory(servidor.Ajustes);
        _ = primera.Services; // started (migrated and seeded) before the second opens the same folder
        await using var segunda = new AppFactory(new(servidor.Ajustes) { ["DataDirectory"] = primera.DataDir }, seed: false);
        _ = segunda.Services;

        var asuntos = Enumerable.Range(1, 50).Select(i => $"Contraseña {i:00} del portal de descargas").ToList();
        var ids = new List<long>();
        // Half queued on each instance, a few at a time, while both senders are running.
        foreach (var (lote, n) in asuntos.Chunk(5).Select((lote, n) => (lote, n)))
        {
            var app = n % 2 == 0 ? primera : segunda;
            var outbox = app.Services.GetRequiredService<Outbox>();
            await using var db = app.CrearDb();
            var filas = lote.Select(a => outbox.Encolar(db, new CorreoNuevo(EmisorDemo, "receptor@ejemplo.mx", a, "<p>Hola</p>", "Hola", "contrasena"))).ToList();
            await db.SaveChangesAsync(Ct);
            ids.AddRange(filas.Select(f => f.Id));
            outbox.Despertar();
        }

        await EsperarAsync(async () =>
        {
            await using var db = primera.CrearDb();
            return await db.Correos.CountAsync(c => ids.Contains(c.Id) && c.Estado == EstadoCorreo.Enviado, Ct) == ids.Count;
        }, "que los 50 correos queden enviados");

        var recibidos = servidor.Recibidos.Where(m => m.Subject?.StartsWith("Contraseña ") == true).Select(m => m.Subject).ToList();
        Assert.Equal(asuntos.Order(), recibidos.Order());
        await using (var db = primera.CrearDb())
            Assert.Equal(0, await db.Correos.CountAsync(c => ids.Contains(c.Id) && c.ReclamadoHasta != null, Ct));
    }

    [Fact]
    public async Task Dos_generadores_de_pdf_a_la_vez_reparten_los_comprobantes_sin_repetir_ninguno()
    {
        var sinGenerador = new Dictionary<string, string?> { ["Representacion:EnSegundoPlano"] = "false" };
        await using var primera = new AppFactory(sinGenerador);
        _ = primera.Services;
        await using var segunda = new AppFactory(new(sinGenerador) { ["DataDirectory"] = primera.DataDir }, seed: false);
        int pendientes;
        await using (var db = primera.CrearDb())
            pendientes = await db.Comprobantes.CountAsync(c => c.PdfKey == null, Ct);
        Assert.True(pendientes >= 10, $"La demostración debería dejar comprobantes sin PDF; hay {pendientes}.");

        var generados = await Task.WhenAll(
            Task.Run(() => primera.Services.GetRequiredService<GeneradorPdf>().GenerarPendientesAsync(Ct), Ct),
            Task.Run(() => segunda.Services.GetRequiredService<GeneradorPdf>().GenerarPendientesAsync(Ct), Ct));

        // Each comprobante counted by exactly one of the two: together they did each one once.
        Assert.Equal(pendientes, generados.Sum());
        await using (var db = primera.CrearDb())
            Assert.Equal(0, await db.Comprobantes.CountAsync(c => c.PdfKey == null, Ct));
    }

    private static async Task EsperarAsync(Func<Task<bool>> condicion, string que)
    {
        var limite = DateTime.UtcNow.AddSeconds(60);
        while (!await condicion())
        {
            if (DateTime.UtcNow > limite) Assert.Fail($"No se cumplió a tiempo: {que}.");
            await Task.Delay(50, Ct);
        }
    }
}
