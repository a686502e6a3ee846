using System.Diagnostics;
using System.Text;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Clientes;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;
using AccesoDescargas.Fiscal;

namespace AccesoDescargas.Tests.Benchmarks;

/// <summary>
/// Not a timed test: imports 100,000 generated clientes (CSV, and the same rows as XLSX) through
/// "Importar clientes" and prints time and peak managed memory, next to its anchor: the same rows
/// inserted with one prepared raw SQLite command in one transaction (this machine's floor).
/// 10,000 rows are measured too, to show that memory does not grow with the file.
/// Run on demand: ./test.sh -method "*ImportacionClientesBenchmark*" -explicit only -showLiveOutput
/// </summary>
public class ImportacionClientesBenchmark(ITestOutputHelper salida)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    /// <summary>Distinct valid RFCs (persona física): four letters from the index, a fixed birth date, a homoclave.</summary>
    private static string RfcDe(int i)
    {
        Span<char> l = stackalloc char[4];
        for (var k = 3; k >= 0; k--) { l[k] = (char)('A' + i % 26); i /= 26; }
        return $"{l}800101XA0";
    }

    private static IEnumerable<(string Rfc, string Nombre, string Email)> Filas(int n) =>
        Enumerable.Range(0, n).Select(i => (RfcDe(i), $"CLIENTE NÚMERO {i} SA DE CV", $"cliente{i}@ejemplo.mx"));

    private static async Task<string> CsvAsync(string carpeta, int n)
    {
        Directory.CreateDirectory(carpeta);
        var ruta = Path.Combine(carpeta, $"clientes-{n}.csv");
        await using var w = new StreamWriter(ruta, false, new UTF8Encoding(false));
        await w.WriteLineAsync("RFC,Nombre,Correo electrónico,Régimen fiscal,Código postal");
        foreach (var (rfc, nombre, email) in Filas(n)) await w.WriteLineAsync($"{rfc},{nombre},{email},612,06600");
        return ruta;
    }

    private sealed class Pico : IAsyncDisposable
    {
        private readonly CancellationTokenSource fin = new();
        private readonly Task muestreo;
        public long Base { get; } = Medir();
        public long Maximo { get; private set; }
        public Pico() => muestreo = Task.Run(async () =>
        {
            while (!fin.IsCancellationRequested)
            {
                Maximo = Math.Max(Maximo, GC.GetTotalMemory(false));
                try { await Task.Delay(5, fin.Token); } catch (OperationCanceledException) { }
            }
        });
        private static long Medir()
        {
            GC.Collect(2, GCCollectionMode.Forced, true, true);
            GC.WaitForPendingFinalizers();
            return GC.GetTotalMemory(true);
        }
        public double MegasSobreBase => (Maximo - Base) / 1048576.0;
        public async ValueTask DisposeAsync() { await fin.CancelAsync(); await muestreo; }
    }

    private async Task<(double Segundos, double Megas, ResultadoImportacionClientes R)> ImportarAsync(AppFactory app, string ruta, bool soloVistaPrevia = false)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var servicio = scope.ServiceProvider.GetRequiredService<ImportacionClientesService>();
        await using var archivo = File.OpenRead(ruta);
        var pico = new Pico();
        var reloj = Stopwatch.StartNew();
        var r = soloVistaPrevia
            ? await servicio.AnalizarAsync(1, archivo, ModoExistentes.LlenarVacios, Ct)
            : await servicio.ImportarAsync(1, archivo, ModoExistentes.LlenarVacios, new Actor("bench", null), ct: Ct);
        var segundos = reloj.Elapsed.TotalSeconds;
        await pico.DisposeAsync();
        return (segundos, pico.MegasSobreBase, r);
    }

    [Fact(Explicit = true)]
    public async Task Importa_100000_clientes()
    {
        salida.WriteLine($"Carga del sistema: {File.ReadAllText("/proc/loadavg").Trim()}");

        foreach (var n in new[] { 10_000, 100_000 })
        {
            await using var app = new AppFactory();
            _ = app.Services; // start the app (migrations, seed) before timing
            var csv = await CsvAsync(app.DataDir, n);
            var (sv, mv, rv) = await ImportarAsync(app, csv, soloVistaPrevia: true);
            salida.WriteLine($"CSV {n,7:N0} vista previa   {sv,6:F1} s  {n / sv,8:N0} filas/s  pico +{mv,6:F1} MB  ({rv.Creados:N0} por crear)");
            var (s, m, r) = await ImportarAsync(app, csv);
            Assert.Equal(n, r.Creados);
            salida.WriteLine($"CSV {n,7:N0} importación    {s,6:F1} s  {n / s,8:N0} filas/s  pico +{m,6:F1} MB");
            var (s2, m2, r2) = await ImportarAsync(app, csv);
            Assert.Equal(n, r2.SinCambios);
            salida.WriteLine($"CSV {n,7:N0} repetida       {s2,6:F1} s  {n / s2,8:N0} filas/s  pico +{m2,6:F1} MB  (todo sin cambios)");
            await using var db = app.CrearDb();
            Assert.Equal(n, await db.Accesos.CountAsync(a => a.PasswordHash == null && a.Rfc.EndsWith("800101XA0"), Ct));
        }

        await using (var app = new AppFactory())
        {
            _ = app.Services; // start the app (migrations, seed) before timing
            Directory.CreateDirectory(app.DataDir);
            var ruta = Path.Combine(app.DataDir, "clientes-100000.xlsx");
            await MiniExcel.SaveAsAsync(ruta, Filas(100_000).Select(f => new Dictionary<string, object?>
            {
                ["RFC"] = f.Rfc, ["Nombre"] = f.Nombre, ["Correo electrónico"] = f.Email, ["Régimen fiscal"] = 612, ["Código postal"] = "06600",
            }), cancellationToken: Ct);
            var (s, m, r) = await ImportarAsync(app, ruta);
            Assert.Equal(100_000, r.Creados);
            salida.WriteLine($"XLSX 100,000 importación    {s,6:F1} s  {100_000 / s,8:N0} filas/s  pico +{m,6:F1} MB  ({new FileInfo(ruta).Length / 1048576.0:F1} MB de archivo)");
        }

        // Anchor: the same 100,000 clientes and accesses with one prepared raw command in one transaction
        // (a SQLite command: on the PostgreSQL pass the figures above stand next to the SQLite pass's anchor).
        if (AppFactory.ProveedorDePruebas == AccesoDescargas.Infrastructure.ProveedorBaseDatos.Sqlite)
        await using (var app = new AppFactory())
        {
            await using var db = app.CrearDb();
            var conexion = (SqliteConnection)db.Database.GetDbConnection();
            await conexion.OpenAsync(Ct);
            var reloj = Stopwatch.StartNew();
            await using var tx = await conexion.BeginTransactionAsync(Ct);
            await using var cmd = conexion.CreateCommand();
            cmd.CommandText = """
                INSERT INTO Clientes (EmisorId, Rfc, Nombre, Email, RegimenFiscal, CodigoPostal, CreadoEn) VALUES (1, $rfc, $nombre, $email, '612', '06600', $t);
                INSERT INTO Accesos (EmisorId, Rfc, Email, Origen, Habilitado, CreadoEn, ContrasenaCambiadaEn, Descargas, IntentosFallidos, SelloSeguridad)
                VALUES (1, $rfc, $email, 0, 1, $t, $t, 0, 0, $rfc);
                """;
            var pRfc = cmd.Parameters.Add("$rfc", SqliteType.Text);
            var pNombre = cmd.Parameters.Add("$nombre", SqliteType.Text);
            var pEmail = cmd.Parameters.Add("$email", SqliteType.Text);
            cmd.Parameters.AddWithValue("$t", DateTime.UtcNow);
            foreach (var (rfc, nombre, email) in Filas(100_000))
            {
                (pRfc.Value, pNombre.Value, pEmail.Value) = (rfc, nombre, email);
                await cmd.ExecuteNonQueryAsync(Ct);
            }
            await tx.CommitAsync(Ct);
            var s = reloj.Elapsed.TotalSeconds;
            salida.WriteLine($"Ancla: SQL directo 100,000   {s,6:F1} s  {100_000 / s,8:N0} filas/s  (sin leer archivo ni validar)");
        }
    }
}
