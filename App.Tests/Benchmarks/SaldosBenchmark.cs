using System.Diagnostics;
using System.Globalization;
using AccesoDescargas.Features.Portal;
using AccesoDescargas.Fiscal;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AccesoDescargas.Tests.Benchmarks;

/// <summary>
/// Not a timed test: the portal list with saldos at 50,000 comprobantes of one RFC (PortalBenchmark's
/// data, with PPD/PUE invoices carrying a stored saldo). Prints medians of the page query alone (the
/// anchor, what the list cost before saldos), the page with the header's sums, and the "Con saldo
/// pendiente" filter. Run on demand: ./test.sh -method "*SaldosBenchmark*" -explicit only -showLiveOutput
/// </summary>
public class SaldosBenchmark(ITestOutputHelper salida)
{
    private const string Rfc = "CAMA911215CJ0";
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact(Explicit = true)]
    public async Task Lista_del_portal_con_saldos_a_50000_comprobantes_de_un_RFC()
    {
        await using var app = new AppFactory(new() { ["Logging:LogLevel:Default"] = "Error" });
        await SembrarAsync(app);
        SesionPortal sesion;
        await using (var db = app.CrearDb())
            sesion = await db.Accesos.Where(a => a.Rfc == Rfc).Select(a => new SesionPortal(a.Id, 1, "demo", Rfc, a.SelloSeguridad)).SingleAsync(Ct);
        var portal = app.Services.GetRequiredService<PortalService>();

        salida.WriteLine("Mediana de 21 (página de 25):");
        foreach (var (nombre, filtro) in new (string, FiltroComprobantes)[] { ("sin filtro", new()), ("con saldo pendiente", new(ConSaldo: true)), ("un mes (2023-05)", new(new DateOnly(2023, 5, 1), new DateOnly(2023, 5, 31))) })
        {
            var (lista, n) = await MedirAsync(() => portal.ListarAsync(sesion, filtro, 0, 25, OrdenComprobantes.FechaDesc, Ct), p => p.Total);
            var (totales, _) = await MedirAsync(() => portal.TotalesAsync(sesion, filtro, Ct), t => t.Count);
            var t = (await portal.TotalesAsync(sesion, filtro, Ct)).Single();
            salida.WriteLine($"  {nombre,-22} lista (anclaje) {lista,7:N1} ms · totales del filtro {totales,7:N1} ms · lista con totales {lista + totales,7:N1} ms" +
                             $"   ({n:N0} comprobantes; facturado {t.Facturado:N2}, pagado {t.Pagado:N2}, saldo {t.SaldoPendiente:N2})");
        }
    }

    private static async Task<(double Ms, int N)> MedirAsync<T>(Func<Task<T>> accion, Func<T, int> cuenta)
    {
        var tiempos = new List<double>();
        var n = 0;
        for (var i = 0; i < 21; i++)
        {
            var reloj = Stopwatch.StartNew();
            n = cuenta(await accion());
            tiempos.Add(reloj.Elapsed.TotalMilliseconds);
        }
        tiempos.Sort();
        return (tiempos[10], n);
    }

    private async Task SembrarAsync(AppFactory app)
    {
        await using var db = app.CrearDb();
        var conexion = (SqliteConnection)db.Database.GetDbConnection();
        await conexion.OpenAsync(Ct);
        await using var tx = await conexion.BeginTransactionAsync(Ct);
        var cmd = conexion.CreateCommand();
        cmd.CommandText = """
            INSERT INTO Comprobantes (EmisorId, Uuid, Version, Serie, Folio, Fecha, FechaTimbrado, Tipo, SubTotal, Total, Moneda, ReceptorRfc,
                Estado, XmlKey, XmlSize, XmlSha256, PdfGenerado, ImportadoEn, RelacionesLeidas, MetodoPago, EstadoPago, SaldoPendiente, Pagado)
            VALUES (1, $uuid, '4.0', 'B', $folio, $fecha, $fecha, $tipo, $total, $total, 'MXN', $rfc, 0, 'x', 1, 'x', 0, $fecha, 1, $metodo, $estado, $saldo, $pagado);
            """;
        var p = new Dictionary<string, SqliteParameter>();
        foreach (var n in new[] { "$uuid", "$folio", "$fecha", "$tipo", "$total", "$metodo", "$estado", "$saldo", "$pagado" })
            p[n] = cmd.Parameters.Add(n, SqliteType.Text);
        cmd.Parameters.AddWithValue("$rfc", Rfc);
        var inicio = new DateTime(2022, 1, 1, 8, 0, 0);
        for (var i = 0; i < 50_000; i++)
        {
            var tipo = i % 9 == 0 ? "E" : i % 23 == 0 ? "P" : "I";
            var total = 1000m + i % 5000 + 0.5m;
            // Of the invoices: a third PUE, the rest PPD paid, partly paid or pending.
            (string? metodo, EstadoPago? estado, decimal? saldo) = tipo != "I" ? (null, null, null)
                : (i % 3) switch
                {
                    0 => ("PUE", EstadoPago.Pue, 0m),
                    1 => ("PPD", i % 2 == 0 ? EstadoPago.Pagada : EstadoPago.Parcial, i % 2 == 0 ? 0m : total / 2),
                    _ => ((string?)"PPD", (EstadoPago?)EstadoPago.Pendiente, (decimal?)total),
                };
            p["$uuid"].Value = Guid.NewGuid().ToString().ToUpperInvariant();
            p["$folio"].Value = (100_000 + i).ToString(CultureInfo.InvariantCulture);
            p["$fecha"].Value = inicio.AddMinutes(i * 50).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            p["$tipo"].Value = tipo;
            p["$total"].Value = total.ToString(CultureInfo.InvariantCulture);
            p["$metodo"].Value = (object?)metodo ?? DBNull.Value;
            p["$estado"].Value = estado is { } e ? (int)e : DBNull.Value;
            p["$saldo"].Value = saldo is { } s ? s.ToString(CultureInfo.InvariantCulture) : DBNull.Value;
            p["$pagado"].Value = saldo is { } s2 ? (total - s2).ToString(CultureInfo.InvariantCulture) : DBNull.Value;
            await cmd.ExecuteNonQueryAsync(Ct);
        }
        await tx.CommitAsync(Ct);
        await using var analizar = conexion.CreateCommand();
        analizar.CommandText = "ANALYZE;";
        await analizar.ExecuteNonQueryAsync(Ct);
        salida.WriteLine($"50,000 comprobantes de {Rfc}; carga promedio {File.ReadAllText("/proc/loadavg").Split(' ')[0]}.");
    }
}
