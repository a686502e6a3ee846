using System.Diagnostics;
using System.Net;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Storage;
using AccesoDescargas.Tests.Features.Portal;
using AccesoDescargas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AccesoDescargas.Tests.Benchmarks;

/// <summary>
/// Not a timed test: portal XML (about 2 KB) and PDF (120 KB) downloads per second on loopback with
/// the files on the local disk (the anchor), streamed from S3 (Transmitir), and redirected to S3
/// (Redirigir: the app's 302 alone, and the 302 followed by the download from the store), plus the
/// store serving the object directly, all in the same run against the tests' s3rver.
/// Run on demand: ./test.sh -method "*Descargas_locales_y_desde_S3*" -explicit only -showLiveOutput
/// <see cref="Descargas_SQLite_y_archivos_locales_junto_a_PostgreSQL_y_S3"/> does the same with the app as operators run
/// it, one process per installation: SQLite + local files next to PostgreSQL + S3 (Transmitir and Redirigir).
/// </summary>
public class AlmacenS3Benchmark(ITestOutputHelper salida)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private static readonly TimeSpan Duracion = TimeSpan.FromSeconds(3);

    [Fact(Explicit = true)]
    public async Task Descargas_locales_y_desde_S3_Transmitir_y_Redirigir()
    {
        var pdf = Portal.PdfDePrueba(120_000);
        salida.WriteLine($"Descargas por segundo (32 peticiones a la vez, {Duracion.TotalSeconds:N0} s cada una, HttpClient en el mismo proceso; carga {File.ReadAllText("/proc/loadavg").Split(' ')[0]}):");
        foreach (var (nombre, almacen, modo) in new[]
        {
            ("SQLite + archivos locales", ProveedorAlmacen.Local, ModoDescargas.Transmitir),
            ("S3 Transmitir            ", ProveedorAlmacen.S3, ModoDescargas.Transmitir),
            ("S3 Redirigir             ", ProveedorAlmacen.S3, ModoDescargas.Redirigir),
        })
        {
            await using var app = new AppFactory(new() { ["Logging:LogLevel:Default"] = "Error", ["Representacion:EnSegundoPlano"] = "false" }, almacen: almacen, descargas: modo);
            var baseUrl = app.IniciarServidor();
            var c = await Portal.AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, pdf: pdf);
            var handler = new SocketsHttpHandler { CookieContainer = new CookieContainer(), MaxConnectionsPerServer = 64, AllowAutoRedirect = false };
            using var client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl) };
            Assert.Equal(HttpStatusCode.Redirect, (await Portal.IngresarAsync(client, AppFactory.ReceptorRfc, AppFactory.ReceptorPassword)).StatusCode);
            using var almacenDirecto = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 });

            foreach (var (archivo, bytes) in new[] { ("xml", c.XmlSize), ("pdf", c.PdfSize!.Value) })
            {
                var url = $"/portal/demo/comprobantes/{c.Uuid}/{archivo}";
                if (modo == ModoDescargas.Redirigir)
                {
                    var soloRedireccion = await PeticionesPorSegundoAsync(() => client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, Ct), HttpStatusCode.Redirect);
                    var seguida = await PeticionesPorSegundoAsync(async () =>
                    {
                        using var r = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, Ct);
                        return await almacenDirecto.GetAsync(r.Headers.Location, HttpCompletionOption.ResponseHeadersRead, Ct);
                    }, HttpStatusCode.OK);
                    salida.WriteLine($"  {nombre} {archivo.ToUpperInvariant()} ({bytes:N0} B): 302 solo {soloRedireccion,8:N0} req/s   302 + descarga del almacén {seguida,8:N0} req/s");
                }
                else
                {
                    var rps = await PeticionesPorSegundoAsync(() => client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, Ct), HttpStatusCode.OK);
                    salida.WriteLine($"  {nombre} {archivo.ToUpperInvariant()} ({bytes:N0} B): {rps,8:N0} req/s");
                }
            }

            if (modo == ModoDescargas.Transmitir) await MedirZipAsync(app, client, nombre, pdf);

            if (almacen == ProveedorAlmacen.S3 && modo == ModoDescargas.Transmitir)
            {
                // The store alone: what any S3 download costs before the app adds anything.
                using var s3 = ServidorS3.Cliente();
                var firmante = new S3FileStore(s3, ServidorS3.Opciones(app.Bucket!, ModoDescargas.Redirigir),
                    app.Services.GetRequiredService<AccesoDescargas.Infrastructure.DataDirectory>(), Microsoft.Extensions.Logging.Abstractions.NullLogger<S3FileStore>.Instance);
                var abierta = await firmante.EnlaceDirectoAsync(c.PdfKey!, "a.pdf", "application/pdf", Ct);
                var directo = await PeticionesPorSegundoAsync(() => almacenDirecto.GetAsync(abierta, HttpCompletionOption.ResponseHeadersRead, Ct), HttpStatusCode.OK);
                salida.WriteLine($"  s3rver directo (enlace firmado) PDF: {directo,8:N0} req/s");
            }
        }
    }

    [Fact(Explicit = true)]
    [Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // each installation picks its engine itself
    public async Task Descargas_SQLite_y_archivos_locales_junto_a_PostgreSQL_y_S3()
    {
        Assert.SkipWhen(!BasePostgres.Disponible, "Sin PostgreSQL (PRUEBAS_POSTGRES): ejecute con ./test.sh.");
        salida.WriteLine($"Descargas del portal por segundo, cada instalación en su propio proceso (dotnet AccesoDescargas.dll, datos de demostración), " +
                         $"32 peticiones a la vez, {Duracion.TotalSeconds:N0} s cada una ({MotorDelBenchmark.Carga()}):");
        foreach (var (nombre, motor, almacen, modo) in new[]
        {
            ("SQLite + archivos locales   ", ProveedorBaseDatos.Sqlite, ProveedorAlmacen.Local, ModoDescargas.Transmitir),
            ("PostgreSQL + S3 Transmitir  ", ProveedorBaseDatos.PostgreSql, ProveedorAlmacen.S3, ModoDescargas.Transmitir),
            ("PostgreSQL + S3 Redirigir   ", ProveedorBaseDatos.PostgreSql, ProveedorAlmacen.S3, ModoDescargas.Redirigir),
        })
        {
            var carpeta = Directory.CreateTempSubdirectory("accesodescargas-bench-").FullName;
            var ajustes = new Dictionary<string, string?>
            {
                ["DataDirectory"] = carpeta,
                ["Representacion:EnSegundoPlano"] = "false",
                ["Demo:Seed"] = "true",
                ["Demo:AdminEmail"] = AppFactory.AdminEmail,
                ["Demo:AdminPassword"] = AppFactory.AdminPassword,
                ["Demo:ReceptorRfc"] = AppFactory.ReceptorRfc,
                ["Demo:ReceptorPassword"] = AppFactory.ReceptorPassword,
            };
            string? basePg = null;
            if (motor == ProveedorBaseDatos.PostgreSql)
            {
                basePg = BasePostgres.Crear(carpeta);
                ajustes["Database:Provider"] = "PostgreSql";
                ajustes["ConnectionStrings:Default"] = basePg;
            }
            if (almacen == ProveedorAlmacen.S3)
                foreach (var (k, v) in ServidorS3.Ajustes(ServidorS3.CrearBucket(), modo)) ajustes[k] = v;
            try
            {
                await using var instancia = await InstanciaApp.IniciarAsync(ajustes, Ct);
                var handler = new SocketsHttpHandler { CookieContainer = new CookieContainer(), MaxConnectionsPerServer = 64, AllowAutoRedirect = false };
                using var client = new HttpClient(handler) { BaseAddress = new Uri(instancia.Url) };
                Assert.Equal(HttpStatusCode.Redirect, (await Portal.IngresarAsync(client, AppFactory.ReceptorRfc, AppFactory.ReceptorPassword)).StatusCode);
                var uuid = await UnUuidDelReceptorAsync(carpeta, basePg);
                using var almacenDirecto = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 });
                foreach (var archivo in new[] { "xml", "pdf" })
                {
                    var url = $"/portal/demo/comprobantes/{uuid}/{archivo}";
                    if (modo == ModoDescargas.Redirigir)
                    {
                        var soloRedireccion = await PeticionesPorSegundoAsync(() => client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, Ct), HttpStatusCode.Redirect);
                        var seguida = await PeticionesPorSegundoAsync(async () =>
                        {
                            using var r = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, Ct);
                            return await almacenDirecto.GetAsync(r.Headers.Location, HttpCompletionOption.ResponseHeadersRead, Ct);
                        }, HttpStatusCode.OK);
                        salida.WriteLine($"  {nombre} {archivo.ToUpperInvariant()}: 302 solo {soloRedireccion,8:N0} req/s   302 + descarga del almacén {seguida,8:N0} req/s");
                    }
                    else
                    {
                        long bytes;
                        using (var una = await client.GetAsync(url, Ct)) bytes = (await una.Content.ReadAsByteArrayAsync(Ct)).Length;
                        var rps = await PeticionesPorSegundoAsync(() => client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, Ct), HttpStatusCode.OK);
                        salida.WriteLine($"  {nombre} {archivo.ToUpperInvariant()} ({bytes:N0} B): {rps,8:N0} req/s");
                    }
                }
            }
            finally
            {
                if (basePg is not null) await BasePostgres.EliminarAsync(basePg);
                try { Directory.Delete(carpeta, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
        salida.WriteLine($"Al terminar: {MotorDelBenchmark.Carga()}");
    }

    /// <summary>A comprobante of the demo receptor, read from the installation's database itself (the app runs in another process).</summary>
    private static async Task<string> UnUuidDelReceptorAsync(string carpeta, string? basePg)
    {
        System.Data.Common.DbConnection conexion = basePg is null
            ? new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(carpeta, "accesodescargas.db")};Mode=ReadOnly")
            : new Npgsql.NpgsqlConnection(basePg);
        await using (conexion)
        {
            await conexion.OpenAsync(Ct);
            await using var comando = conexion.CreateCommand();
            comando.CommandText = $"SELECT \"Uuid\" FROM \"Comprobantes\" WHERE \"ReceptorRfc\" = '{AppFactory.ReceptorRfc}' ORDER BY \"Id\" LIMIT 1";
            return (string)(await comando.ExecuteScalarAsync(Ct))!;
        }
    }

    /// <summary>A ZIP of 400 comprobantes (each XML and one shared 120 KB PDF): time and the process's peak memory over its state before.</summary>
    private async Task MedirZipAsync(AppFactory app, HttpClient client, string nombre, byte[] pdf)
    {
        var desde = new DateTime(2021, 6, 1, 9, 0, 0);
        for (var i = 0; i < 400; i++)
            await Portal.AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, pdf: pdf, fecha: desde.AddMinutes(i));
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseWs = Environment.WorkingSet;
        var picoWs = baseWs;
        using var fin = new CancellationTokenSource();
        var muestreo = Task.Run(async () =>
        {
            while (!fin.IsCancellationRequested)
            {
                picoWs = Math.Max(picoWs, Environment.WorkingSet);
                try { await Task.Delay(10, fin.Token); } catch (OperationCanceledException) { }
            }
        });
        var reloj = Stopwatch.StartNew();
        using var r = await client.GetAsync("/portal/demo/comprobantes.zip?desde=2021-06-01&hasta=2021-06-01", HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        await using var cuerpo = await r.Content.ReadAsStreamAsync(Ct);
        long bytes = 0;
        var buffer = new byte[81920];
        int leidos;
        while ((leidos = await cuerpo.ReadAsync(buffer, Ct)) > 0) bytes += leidos;
        var tiempo = reloj.Elapsed;
        await fin.CancelAsync();
        await muestreo;
        salida.WriteLine($"  {nombre} ZIP de 400 comprobantes: {bytes / 1048576.0:N1} MB en {tiempo.TotalSeconds:N2} s, memoria del proceso +{(picoWs - baseWs) / 1048576.0:N1} MB");
    }

    private static async Task<double> PeticionesPorSegundoAsync(Func<Task<HttpResponseMessage>> pedir, HttpStatusCode esperado)
    {
        async Task UnaAsync()
        {
            using var r = await pedir();
            if (r.StatusCode != esperado) throw new InvalidOperationException($"{r.RequestMessage?.RequestUri}: {(int)r.StatusCode}");
            await r.Content.CopyToAsync(Stream.Null, Ct);
        }
        for (var i = 0; i < 100; i++) await UnaAsync(); // warm-up: JIT, connection pools

        long n = 0;
        var reloj = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            while (reloj.Elapsed < Duracion)
            {
                await UnaAsync();
                Interlocked.Increment(ref n);
            }
        })));
        return n / reloj.Elapsed.TotalSeconds;
    }
}
