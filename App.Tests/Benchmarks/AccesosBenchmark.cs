using System.Diagnostics;
using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Tests.Benchmarks;

/// <summary>
/// Not a timed test: measures the Acceso a Descargas grid's queries on 100,000 accesses and prints
/// the figures, on SQLite (the anchor) and on PostgreSQL in the same run. Run on demand:
/// PRUEBAS_SOLO_SQLITE= ./test.sh -method "*AccesosBenchmark*" -explicit only -showLiveOutput
/// (test.sh starts the PostgreSQL cluster; the PostgreSQL case is skipped without it). While one test process
/// cannot run the app on both engines (see <see cref="MotorDelBenchmark"/>), run it once with BENCH_MOTOR=Sqlite
/// and once with BENCH_MOTOR=PostgreSql, one right after the other, and compare the load averages they print.
/// </summary>
[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // each case picks its engine itself
public class AccesosBenchmark(ITestOutputHelper salida)
{
    [Theory(Explicit = true)]
    [InlineData(ProveedorBaseDatos.Sqlite)]
    [InlineData(ProveedorBaseDatos.PostgreSql)]
    public async Task Grid_de_accesos_con_100000_filas(ProveedorBaseDatos proveedor)
    {
        MotorDelBenchmark.SaltarSiNoToca(proveedor);
        var comandos = new ComandosCapturados();
        await using var app = new AppFactory(proveedor: proveedor)
        {
            Servicios = s => s.ConfigureDbContext<AppDbContext>((_, o) => o.AddInterceptors(comandos)),
        };
        var hash = app.Services.GetRequiredService<ContrasenaHasher>().Hash("BenchClave2026");
        var rnd = new Random(7);
        string[] nombres = ["COMERCIALIZADORA", "DISTRIBUIDORA", "SERVICIOS", "CONSTRUCTORA", "GRUPO", "ABARROTES", "FARMACIA", "TRANSPORTES"];
        var vistos = new HashSet<string>();
        var filas = new List<(string Rfc, string Nombre)>();
        for (var i = 0; i < 100_000; i++)
        {
            var letras = new string(Enumerable.Range(0, 3).Select(_ => (char)('A' + rnd.Next(26))).ToArray());
            var rfc = $"{letras}{rnd.Next(60, 99):00}{rnd.Next(1, 13):00}{rnd.Next(1, 29):00}{i:X3}"[..12];
            if (vistos.Add(rfc)) filas.Add((rfc, $"{nombres[i % nombres.Length]} {letras} {i} SA DE CV")); // a rare duplicate RFC: skip
        }
        var ahora = DateTime.UtcNow;
        await using (var db = app.CrearDb())
        {
            if (proveedor == ProveedorBaseDatos.Sqlite) await SembrarSqliteAsync(db, filas, hash, ahora);
            else await SembrarPostgresAsync(db, filas, hash, ahora);
        }
        salida.WriteLine($"{proveedor}: {filas.Count:N0} accesos con su cliente ({MotorDelBenchmark.Carga()})");
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

        var casos = new List<(string, ConsultaAccesos)>();
        foreach (var (nombre, consulta) in new (string, ConsultaAccesos)[]
        {
            ("primera página (25, por RFC)", new(null, 0, 25)),
            ("página 2,000 (25, por RFC)", new(null, 2000, 25)),
            ("prefijo de RFC «MX»", new("MX", 0, 25)),
            ("prefijo de RFC «MXQ8»", new("MXQ8", 0, 25)),
            ("nombre «FARMACIA Q»", new("FARMACIA Q", 0, 25)),
            ("nombre «farmacia q» (minúsculas)", new("farmacia q", 0, 25)),
            ("orden por último envío", new(null, 0, 25, "UltimoEnvioEn", true)),
        })
        {
            var (mediana, primera, total) = await MedirAsync(consulta);
            salida.WriteLine($"{proveedor,-10} {nombre,-32} total {total,7:N0}  primera {primera,7:F1} ms  mediana de 21 {mediana,7:F1} ms");
            casos.Add((nombre, consulta));
        }
        salida.WriteLine($"{proveedor}: {MotorDelBenchmark.Carga()}");
        if (proveedor == ProveedorBaseDatos.PostgreSql)
            foreach (var (nombre, consulta) in casos) await ExplicarAsync(app, comandos, nombre, consulta);
    }

    /// <summary>
    /// The plan (EXPLAIN (ANALYZE, BUFFERS)) of every statement one page of the case sends, as EF Core sent
    /// it with its parameters: where the case's time goes. BENCH_PLANES=1 prints whole plans; else each
    /// statement's first line and its execution time.
    /// </summary>
    private async Task ExplicarAsync(AppFactory app, ComandosCapturados comandos, string nombre, ConsultaAccesos consulta)
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        comandos.Capturar = true;
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<AccesosService>().PaginaAsync(1, consulta, ct);
        comandos.Capturar = false;
        var completos = Environment.GetEnvironmentVariable("BENCH_PLANES") == "1";
        salida.WriteLine($"Planes de «{nombre}»:");
        await using var db = app.CrearDb();
        var conexion = (NpgsqlConnection)db.Database.GetDbConnection();
        await conexion.OpenAsync(ct);
        while (comandos.Lista.TryDequeue(out var capturado))
        {
            await using var comando = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + capturado.Texto, conexion);
            foreach (var p in capturado.Parametros) comando.Parameters.Add(p);
            var lineas = new List<string>();
            await using (var plan = await comando.ExecuteReaderAsync(ct))
                while (await plan.ReadAsync(ct)) lineas.Add(plan.GetString(0));
            var sql = capturado.Texto.ReplaceLineEndings(" ");
            salida.WriteLine($"  {(completos ? sql : sql[..Math.Min(sql.Length, 160)])}");
            foreach (var linea in completos ? lineas : [lineas[0], .. lineas.Where(l => l.StartsWith("Execution Time"))])
                salida.WriteLine("    " + linea);
        }
    }

    /// <summary>The statements EF Core sends while <see cref="Capturar"/> is on, with copies of their parameters.</summary>
    private sealed class ComandosCapturados : Microsoft.EntityFrameworkCore.Diagnostics.DbCommandInterceptor
    {
        public volatile bool Capturar;
        public System.Collections.Concurrent.ConcurrentQueue<(string Texto, NpgsqlParameter[] Parametros)> Lista { get; } = new();

        public override ValueTask<Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(
            System.Data.Common.DbCommand command, Microsoft.EntityFrameworkCore.Diagnostics.CommandEventData eventData,
            Microsoft.EntityFrameworkCore.Diagnostics.InterceptionResult<System.Data.Common.DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (Capturar && command is NpgsqlCommand npgsql)
                Lista.Enqueue((npgsql.CommandText, npgsql.Parameters.Select(p => p.Clone()).ToArray()));
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }
    }

    private static async Task SembrarSqliteAsync(AppDbContext db, List<(string Rfc, string Nombre)> filas, string hash, DateTime ahora)
    {
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
        cmd.Parameters.AddWithValue("$t", ahora);
        foreach (var (rfc, nombre) in filas)
        {
            pRfc.Value = rfc;
            pNombre.Value = nombre;
            try { await cmd.ExecuteNonQueryAsync(Xunit.TestContext.Current.CancellationToken); } catch (SqliteException) { } // a demo RFC: skip
        }
        await tx.CommitAsync(Xunit.TestContext.Current.CancellationToken);
        await using var analizar = conexion.CreateCommand();
        analizar.CommandText = "ANALYZE;";
        await analizar.ExecuteNonQueryAsync(Xunit.TestContext.Current.CancellationToken);
    }

    /// <summary>COPY into staging tables, then the rows whose RFC the demo data does not hold already.</summary>
    private static async Task SembrarPostgresAsync(AppDbContext db, List<(string Rfc, string Nombre)> filas, string hash, DateTime ahora)
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var conexion = (NpgsqlConnection)db.Database.GetDbConnection();
        await conexion.OpenAsync(ct);
        await using (var crear = new NpgsqlCommand("""CREATE TEMP TABLE bench (rfc text COLLATE "C", nombre text)""", conexion))
            await crear.ExecuteNonQueryAsync(ct);
        await using (var copia = await conexion.BeginBinaryImportAsync("COPY bench (rfc, nombre) FROM STDIN (FORMAT BINARY)", ct))
        {
            foreach (var (rfc, nombre) in filas)
            {
                await copia.StartRowAsync(ct);
                await copia.WriteAsync(rfc, NpgsqlDbType.Text, ct);
                await copia.WriteAsync(nombre, NpgsqlDbType.Text, ct);
            }
            await copia.CompleteAsync(ct);
        }
        await using var insertar = new NpgsqlCommand("""
            INSERT INTO "Accesos" ("EmisorId", "Rfc", "PasswordHash", "Origen", "Habilitado", "CreadoEn", "ContrasenaCambiadaEn", "Descargas", "IntentosFallidos", "SelloSeguridad")
            SELECT 1, rfc, @hash, 0, true, @t, @t, 0, 0, rfc FROM bench ON CONFLICT DO NOTHING;
            INSERT INTO "Clientes" ("EmisorId", "Rfc", "Nombre", "CreadoEn")
            SELECT 1, rfc, nombre, @t FROM bench ON CONFLICT DO NOTHING;
            """, conexion) { CommandTimeout = 0 }; // seeding on a loaded machine may take longer than the default 30 s
        insertar.Parameters.AddWithValue("hash", hash);
        insertar.Parameters.AddWithValue("t", NpgsqlDbType.TimestampTz, DateTime.SpecifyKind(ahora, DateTimeKind.Utc));
        await insertar.ExecuteNonQueryAsync(ct);
        await MotorDelBenchmark.VacuumAsync(conexion, "Accesos", "Clientes");
    }
}
