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

    public static string Carga() => $"carga {string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3))}";
}
