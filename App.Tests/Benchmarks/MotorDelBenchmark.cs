using AccesoDescargas.Infrastructure;
using AccesoDescargas.Tests.Infrastructure;

namespace AccesoDescargas.Tests.Benchmarks;

/// <summary>
/// Which engine's case of a two-engine benchmark runs. Both, by default; BENCH_MOTOR=Sqlite or
/// BENCH_MOTOR=PostgreSql runs one, for when one test process cannot hold both: the features' EF
/// compiled queries are bound to the first model that runs them, so a process that started an app on
/// SQLite fails on PostgreSQL ("executed with a different model") until they are compiled per model.
/// </summary>
public static class MotorDelBenchmark
{
    public static void SaltarSiNoToca(ProveedorBaseDatos proveedor)
    {
        Assert.SkipWhen(proveedor == ProveedorBaseDatos.PostgreSql && !BasePostgres.Disponible, "Sin PostgreSQL (PRUEBAS_POSTGRES): ejecute con ./test.sh.");
        var elegido = Environment.GetEnvironmentVariable("BENCH_MOTOR");
        Assert.SkipWhen(!string.IsNullOrEmpty(elegido) && !string.Equals(elegido, proveedor.ToString(), StringComparison.OrdinalIgnoreCase),
            $"BENCH_MOTOR={elegido}: sólo ese motor.");
    }

    /// <summary>
    /// After a warm-up: waits (30 s at most) until a second passes with no method compiled, so that the
    /// tiered JIT's background recompilations do not take the CPU of a measured phase.
    /// </summary>
    public static async Task EsperarJitQuietoAsync()
    {
        var anterior = -1L;
        var reloj = System.Diagnostics.Stopwatch.StartNew();
        using var sondeo = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (reloj.Elapsed < TimeSpan.FromSeconds(30))
        {
            var compilados = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (compilados == anterior) return;
            anterior = compilados;
            await sondeo.WaitForNextTickAsync(Xunit.TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// What autovacuum does to a freshly loaded table within its first minute: statistics, and the
    /// visibility map that lets COUNT and OFFSET read an index alone. A VACUUM that ran while another
    /// session held an older snapshot leaves pages not all-visible, so it runs again until every page is.
    /// </summary>
    public static async Task VacuumAsync(Npgsql.NpgsqlConnection conexion, params string[] tablas)
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        for (var intento = 0; ; intento++)
        {
            await using (var vacuum = new Npgsql.NpgsqlCommand($"VACUUM (ANALYZE) {string.Join(", ", tablas.Select(t => $"\"{t}\""))}", conexion) { CommandTimeout = 0 })
                await vacuum.ExecuteNonQueryAsync(ct);
            await using var estado = new Npgsql.NpgsqlCommand(
                "SELECT coalesce(sum(relpages - relallvisible), 0)::int FROM pg_class WHERE relname = ANY(@tablas)", conexion);
            estado.Parameters.AddWithValue("tablas", tablas);
            var pendientes = (int)(await estado.ExecuteScalarAsync(ct))!;
            if (pendientes == 0) return;
            if (intento == 50) { Console.WriteLine($"VACUUM: {pendientes} páginas siguen sin ser visibles para todos."); return; }
            await Task.Delay(50, ct);
        }
    }

    public static string Carga() => $"carga {string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3))}";
}
