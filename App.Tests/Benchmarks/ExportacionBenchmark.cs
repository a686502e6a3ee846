using System.Diagnostics;
using System.Globalization;
using System.Net;
using AccesoDescargas.Tests.Features.Portal;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Tests.Benchmarks;

/// <summary>
/// Not a timed test: the portal's "Exportar a Excel" and "Exportar CSV" of 50,000 comprobantes of one RFC, next to the same
/// exports of 5,000 (the anchor) in the same run: time, bytes, and the peak working set and managed heap over the idle app.
/// Flat memory means the 50,000-row peak is about the 5,000-row one, not ten times it.
/// Run on demand: ./test.sh -method "*ExportacionBenchmark*" -explicit only -showLiveOutput
/// </summary>
[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // seeds through SQLite's bulk insert
public class ExportacionBenchmark(ITestOutputHelper salida)
{
    private const string Rfc = "CAMA911215CJ0", Contrasena = "BenchClave2026";
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact(Explicit = true)]
    public async Task Exportar_50000_comprobantes_de_un_RFC()
    {
        await using var app = new AppFactory(new() { ["Logging:LogLevel:Default"] = "Error", ["Representacion:EnSegundoPlano"] = "false" });
        var baseUrl = app.IniciarServidor();
        await SembrarAsync(app, 50_000);
        var handler = new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(10) };
        Assert.Equal(HttpStatusCode.Redirect, (await Portal.IngresarAsync(client, Rfc, Contrasena)).StatusCode);

        salida.WriteLine($"Carga del equipo: {File.ReadAllText("/proc/loadavg").Trim()}");
        // One warm-up so the first measured export does not pay for JIT and the query plan.
        await MedirAsync(client, "csv", "2022-01-01", "2022-01-10", "calentamiento");
        foreach (var formato in new[] { "csv", "xlsx" })
        {
            // 50 minutes apart from 2022-01-01: 5,000 rows end on 2022-06-23; all 50,000 on 2026-10-03.
            await MedirAsync(client, formato, "2022-01-01", "2022-06-23", "ancla 5,000");
            await MedirAsync(client, formato, "2022-01-01", "2026-12-31", "50,000");
        }
    }

    private async Task MedirAsync(HttpClient client, string formato, string desde, string hasta, string nombre)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseWs = Environment.WorkingSet;
        var baseHeap = GC.GetTotalMemory(false);
        long picoWs = baseWs, picoHeap = baseHeap;
        using var fin = new CancellationTokenSource();
        var muestreo = Task.Run(async () =>
        {
            while (!fin.IsCancellationRequested)
            {
                picoWs = Math.Max(picoWs, Environment.WorkingSet);
                picoHeap = Math.Max(picoHeap, GC.GetTotalMemory(false));
                try { await Task.Delay(10, fin.Token); } catch (OperationCanceledException) { }
            }
        });
        var reloj = Stopwatch.StartNew();
        using var r = await client.GetAsync($"/portal/demo/comprobantes.{formato}?desde={desde}&hasta={hasta}", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        await using var cuerpo = await r.Content.ReadAsStreamAsync(Ct);
        var buffer = new byte[81920];
        long bytes = 0;
        int leidos;
        while ((leidos = await cuerpo.ReadAsync(buffer, Ct)) > 0) bytes += leidos;
        var tiempo = reloj.Elapsed;
        await fin.CancelAsync();
        await muestreo;
        salida.WriteLine($"{formato,-4} {nombre,-16} {tiempo.TotalSeconds,6:N2} s  {bytes / 1024.0 / 1024.0,7:N1} MB  " +
                         $"pico de working set +{(picoWs - baseWs) / 1024.0 / 1024.0,6:N1} MB  pico de heap +{(picoHeap - baseHeap) / 1024.0 / 1024.0,6:N1} MB");
    }

    private async Task SembrarAsync(AppFactory app, int cantidad)
    {
        await using var db = app.CrearDb();
        var acceso = await db.Accesos.SingleAsync(a => a.Rfc == Rfc, Ct);
        acceso.PasswordHash = app.Services.GetRequiredService<ContrasenaHasher>().Hash(Contrasena);
        await db.SaveChangesAsync(Ct);

        var conexion = (SqliteConnection)db.Database.GetDbConnection();
        await conexion.OpenAsync(Ct);
        await using var tx = await conexion.BeginTransactionAsync(Ct);
        var cmd = conexion.CreateCommand();
        cmd.CommandText = """
            INSERT INTO Comprobantes (EmisorId, Uuid, Version, Serie, Folio, Fecha, FechaTimbrado, Tipo, SubTotal, ImpuestosTrasladados, ImpuestosRetenidos,
                Total, Moneda, ReceptorRfc, Estado, XmlKey, XmlSize, XmlSha256, PdfGenerado, ImportadoEn)
            VALUES (1, $uuid, '4.0', 'B', $folio, $fecha, $fecha, 'I', $subtotal, $iva, NULL, $total, 'MXN', $rfc, 0, 'x', 1, 'x', 0, $fecha);
            """;
        var pUuid = cmd.Parameters.Add("$uuid", SqliteType.Text);
        var pFolio = cmd.Parameters.Add("$folio", SqliteType.Text);
        var pFecha = cmd.Parameters.Add("$fecha", SqliteType.Text);
        var pSub = cmd.Parameters.Add("$subtotal", SqliteType.Text);
        var pIva = cmd.Parameters.Add("$iva", SqliteType.Text);
        var pTotal = cmd.Parameters.Add("$total", SqliteType.Text);
        cmd.Parameters.AddWithValue("$rfc", Rfc);
        var inicio = new DateTime(2022, 1, 1, 8, 0, 0);
        for (var i = 0; i < cantidad; i++)
        {
            var sub = 1000m + i % 5000;
            pUuid.Value = Guid.NewGuid().ToString().ToUpperInvariant();
            pFolio.Value = (100_000 + i).ToString(CultureInfo.InvariantCulture);
            pFecha.Value = inicio.AddMinutes(i * 50).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            pSub.Value = sub.ToString(CultureInfo.InvariantCulture);
            pIva.Value = (sub * 0.16m).ToString(CultureInfo.InvariantCulture);
            pTotal.Value = (sub * 1.16m).ToString(CultureInfo.InvariantCulture);
            await cmd.ExecuteNonQueryAsync(Ct);
        }
        await tx.CommitAsync(Ct);
        salida.WriteLine($"{cantidad:N0} comprobantes de {Rfc}, del 2022-01-01 cada 50 minutos.");
    }
}
