using System.Diagnostics;
using AccesoDescargas.Features.Accesos;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AccesoDescargas.Tests.Benchmarks;

/// <summary>
/// Not a timed test: measures the Acceso a Descargas grid's queries on 100,000 accesses and prints
/// the figures. Run on demand: ./test.sh -method "*AccesosBenchmark*" -explicit only -showLiveOutput
/// </summary>
public class AccesosBenchmark(ITestOutputHelper salida)
{
    [Fact(Explicit = true)]
    public async Task Grid_de_accesos_con_100000_filas()
    {
        await using var app = new AppFactory();
        await using (var db = app.CrearDb())
        {
            var hash = app.Services.GetRequiredService<ContrasenaHasher>().Hash("BenchClave2026");
            var conexion = (SqliteConnection)db.Database.GetDbConnection();
            await conexion.OpenAsync(Xunit.TestContext.Current.CancellationToken);
            await using var tx = await conexion.BeginTransactionAsync(Xunit.TestContext.Current.CancellationToken);
            var cmd = conexion.CreateCommand();
            cmd.CommandText = """
                INSERT INTO Accesos (EmisorId, Rfc, PasswordHash, Origen, Habilitado, CreadoEn, ContrasenaCambiadaEn, Descargas, IntentosFallidos, SelloSeguridad)
                VALUES (1, $rfc, $hash, 0, 1, $t, $t, 0, 0, $rfc);
                INSERT INTO Clientes (EmisorId, Rfc, Nombre, CreadoEn) VALUES (1, $rfc, $nombre, $t);
                """;
            var pRfc = cmd.Parameters.Add("$rfc", SqliteType.Text);
            var pNombre = cmd.Parameters.Add("$nombre", SqliteType.Text);
            cmd.Parameters.AddWithValue("$hash", hash);
            cmd.Parameters.AddWithValue("$t", DateTime.UtcNow);
            var rnd = new Random(7);
            string[] nombres = ["COMERCIALIZADORA", "DISTRIBUIDORA", "SERVICIOS", "CONSTRUCTORA", "GRUPO", "ABARROTES", "FARMACIA", "TRANSPORTES"];
            for (var i = 0; i < 100_000; i++)
            {
                var letras = new string(Enumerable.Range(0, 3).Select(_ => (char)('A' + rnd.Next(26))).ToArray());
                pRfc.Value = $"{letras}{rnd.Next(60, 99):00}{rnd.Next(1, 13):00}{rnd.Next(1, 29):00}{i:X3}"[..12];
                pNombre.Value = $"{nombres[i % nombres.Length]} {letras} {i} SA DE CV";
                try { await cmd.ExecuteNonQueryAsync(Xunit.TestContext.Current.CancellationToken); } catch (SqliteException) { } // a rare duplicate RFC: skip
            }
            await tx.CommitAsync(Xunit.TestContext.Current.CancellationToken);
            await using var analizar = conexion.CreateCommand();
            analizar.CommandText = "ANALYZE;";
            await analizar.ExecuteNonQueryAsync(Xunit.TestContext.Current.CancellationToken);
        }

        async Task<(double Mediana, double Primera, int Total)> MedirAsync(ConsultaAccesos consulta)
        {
            var tiempos = new List<double>();
            var total = 0;
            for (var i = 0; i < 21; i++)
            {
                await using var scope = app.Services.CreateAsyncScope();
                var servicio = scope.ServiceProvider.GetRequiredService<AccesosService>();
                var reloj = Stopwatch.StartNew();
                var (_, t) = await servicio.PaginaAsync(1, consulta);
                tiempos.Add(reloj.Elapsed.TotalMilliseconds);
                total = t;
            }
            var primera = tiempos[0];
            tiempos.Sort();
            return (tiempos[tiempos.Count / 2], primera, total);
        }

        foreach (var (nombre, consulta) in new (string, ConsultaAccesos)[]
        {
            ("primera página (25, por RFC)", new(null, 0, 25)),
            ("página 2,000 (25, por RFC)", new(null, 2000, 25)),
            ("prefijo de RFC «MX»", new("MX", 0, 25)),
            ("prefijo de RFC «MXQ8»", new("MXQ8", 0, 25)),
            ("nombre «FARMACIA Q»", new("FARMACIA Q", 0, 25)),
            ("orden por último envío", new(null, 0, 25, "UltimoEnvioEn", true)),
        })
        {
            var (mediana, primera, total) = await MedirAsync(consulta);
            salida.WriteLine($"{nombre,-32} total {total,7:N0}  primera {primera,7:F1} ms  mediana de 21 {mediana,7:F1} ms");
        }
    }
}
