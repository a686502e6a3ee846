using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static AccesoDescargas.Tests.Features.Comprobantes.Cfdis;

namespace AccesoDescargas.Tests.Benchmarks;

/// <summary>
/// Not a timed test: CFDI import throughput and memory. N small CFDI 4.0 (generated, ~3 KB each, 50
/// receptors) imported (a) file by file, one transaction each, as before group commit (the anchor,
/// <c>Comprobantes:ImportacionLote=1</c>), (b) as a ZIP through the service the Comprobantes page uses,
/// (c) as a ZIP through <c>POST /api/v1/comprobantes/zip</c> on Kestrel, and (d) one file per request
/// through <c>POST /api/v1/comprobantes</c>, sequential and at 4 and 16 concurrent clients (p50/p99).
/// Each prints files/s and the process's peak working set (VmHWM, reset before each case) over what
/// it was before the case. Run on demand (BENCH_N sets N, 2,000 by default):
/// PRUEBAS_SOLO_SQLITE=1 ./test.sh -method "*ImportacionCfdiBenchmark*" -explicit only -showLiveOutput
/// and for PostgreSQL (the SQLite pass runs it, with test.sh's cluster): BENCH_MOTOR=PostgreSql ./test.sh -method "*ImportacionCfdiBenchmark*" -explicit only -showLiveOutput
/// </summary>
[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // each case picks its engine itself
public class ImportacionCfdiBenchmark(ITestOutputHelper salida)
{
    private const int Receptores = 50;
    private static readonly Actor Benchmark = new("benchmark", null);
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private static readonly int N = int.TryParse(Environment.GetEnvironmentVariable("BENCH_N"), out var n) ? n : 2_000;
    private static readonly string[] Rfcs = Enumerable.Range(0, Receptores)
        .Select(i => $"BEN{80 + i % 20:00}{1 + i % 12:00}{10 + i % 18:00}A{(char)('A' + i % 26)}{i % 10}").ToArray();
    private int serie;

    [Theory(Explicit = true)]
    [InlineData(ProveedorBaseDatos.Sqlite)]
    [InlineData(ProveedorBaseDatos.PostgreSql)]
    public async Task Importacion_de_cfdi_archivo_por_archivo_en_zip_por_la_api_y_de_uno_en_uno(ProveedorBaseDatos proveedor)
    {
        MotorDelBenchmark.SaltarSiNoToca(proveedor);
        salida.WriteLine($"== {proveedor}, almacén local, N = {N:N0} CFDI de ~3 KB, {Receptores} receptores, {Environment.ProcessorCount} núcleos ({MotorDelBenchmark.Carga()})");
        // The import alone: the PDF worker would otherwise share the two cores while it runs.
        await using var app = new AppFactory(new() { ["Representacion:EnSegundoPlano"] = "false", ["Logging:LogLevel:Default"] = "Error" }, proveedor: proveedor);
        var baseUrl = app.IniciarServidor();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(baseUrl), Timeout = TimeSpan.FromMinutes(10) };
        http.DefaultRequestHeaders.Add("X-Api-Key", AppFactory.ApiKey);
        var carpeta = Path.Combine(app.DataDir, "bench");
        Directory.CreateDirectory(carpeta);

        // Warm-up: EF models, compiled queries, JIT of both paths and of the endpoints.
        await ImportarZipServicioAsync(app, await ZipAsync(carpeta, 20), loteUnoPorUno: true);
        await ImportarZipServicioAsync(app, await ZipAsync(carpeta, 20), loteUnoPorUno: false);
        await PostZipAsync(http, await ZipAsync(carpeta, 20));
        foreach (var xml in Xmls(10)) await PostXmlAsync(http, xml);

        // Each case's ZIP is written before its measurement starts.
        var zipA = await ZipAsync(carpeta, N);
        await MedirAsync(app, "(a) anclaje: ZIP archivo por archivo (un commit y un fsync de carpeta por archivo)", N,
            () => CronometrarAsync(() => ImportarZipServicioAsync(app, zipA, loteUnoPorUno: true)));
        var zipB = await ZipAsync(carpeta, N);
        await MedirAsync(app, "(b) ZIP por lotes (servicio de la página)", N,
            () => CronometrarAsync(() => ImportarZipServicioAsync(app, zipB, loteUnoPorUno: false)));
        var zipC = await ZipAsync(carpeta, N);
        await MedirAsync(app, "(c) ZIP por la API, POST /api/v1/comprobantes/zip", N,
            () => CronometrarAsync(() => PostZipAsync(http, zipC)));
        foreach (var clientes in new[] { 1, 4, 16 })
        {
            var total = Math.Min(N, 200 * clientes);
            var latencias = new double[total];
            var xmls = Xmls(total);
            await MedirAsync(app, $"(d) API de un archivo por petición, {clientes} cliente(s)", total, async () =>
            {
                var siguiente = -1;
                var reloj = Stopwatch.StartNew();
                await Task.WhenAll(Enumerable.Range(0, clientes).Select(async _ =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref siguiente)) < total)
                    {
                        var inicio = Stopwatch.GetTimestamp();
                        await PostXmlAsync(http, xmls[i]);
                        latencias[i] = Stopwatch.GetElapsedTime(inicio).TotalMilliseconds;
                    }
                }));
                return reloj.Elapsed;
            }, () =>
            {
                Array.Sort(latencias);
                return $"; latencia p50 {latencias[total / 2]:N1} ms, p99 {latencias[(int)(total * 0.99)]:N1} ms";
            });
        }
        salida.WriteLine($"({MotorDelBenchmark.Carga()} al terminar)");
    }

    /// <summary>BENCH_CASOS=bc runs only those cases (while profiling one); all by default.</summary>
    private static readonly string Casos = Environment.GetEnvironmentVariable("BENCH_CASOS") ?? "abcd";

    private async Task MedirAsync(AppFactory app, string caso, int archivos, Func<Task<TimeSpan>> medir, Func<string>? extra = null)
    {
        if (!Casos.Contains(caso[1])) return;
        int antes;
        await using (var db = app.CrearDb()) antes = await db.Comprobantes.CountAsync(Ct);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var memoriaAntes = Environment.WorkingSet;
        ReiniciarPicoRss();
        var asignados = GC.GetTotalAllocatedBytes();
        var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var tiempo = await medir();
        cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
        var pico = PicoRss();
        var asignadosMb = (GC.GetTotalAllocatedBytes() - asignados) / 1048576.0;
        int despues;
        await using (var db = app.CrearDb()) despues = await db.Comprobantes.CountAsync(Ct);
        Assert.Equal(archivos, despues - antes); // every file imported, none twice
        salida.WriteLine($"{caso}: {archivos:N0} en {tiempo.TotalSeconds:N2} s = {archivos / tiempo.TotalSeconds:N0} archivos/s; " +
                         $"pico del proceso +{(pico - memoriaAntes) / 1048576.0:N0} MB sobre {memoriaAntes / 1048576.0:N0} MB; asignado {asignadosMb:N0} MB; CPU del proceso {cpu.TotalMilliseconds / archivos:N2} ms por archivo{extra?.Invoke()}");
    }

    private static async Task<TimeSpan> CronometrarAsync(Func<Task> accion)
    {
        var reloj = Stopwatch.StartNew();
        await accion();
        return reloj.Elapsed;
    }

    /// <summary>N new CFDI, each with its own UUID and folio, spread over the receptors.</summary>
    private List<byte[]> Xmls(int cuantos)
    {
        var s = ++serie;
        var inicio = new DateTime(2025, 1, 1, 8, 0, 0);
        return Enumerable.Range(0, cuantos).Select(i => Bytes(Xml(Guid.NewGuid(), Rfcs[i % Receptores], $"RECEPTOR {i % Receptores}",
            serie: $"B{s}", folio: i.ToString(CultureInfo.InvariantCulture), fecha: inicio.AddMinutes(i)))).ToList();
    }

    /// <summary>A ZIP on disk, written entry by entry: the import reads it as an upload, never whole in memory.</summary>
    private async Task<string> ZipAsync(string carpeta, int cuantos)
    {
        var ruta = Path.Combine(carpeta, $"lote-{serie + 1}.zip");
        await using (var archivo = File.Create(ruta))
        await using (var zip = new ZipArchive(archivo, ZipArchiveMode.Create))
        {
            var i = 0;
            foreach (var xml in Xmls(cuantos))
            {
                await using var e = await zip.CreateEntry($"F-{i++}.xml", CompressionLevel.Fastest).OpenAsync(Ct);
                await e.WriteAsync(xml, Ct);
            }
        }
        return ruta;
    }

    private static async Task ImportarZipServicioAsync(AppFactory app, string zip, bool loteUnoPorUno)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var opciones = sp.GetRequiredService<IOptions<ComprobantesOptions>>().Value;
        var importacion = loteUnoPorUno
            ? ActivatorUtilities.CreateInstance<ImportacionService>(sp, Options.Create(new ComprobantesOptions
            {
                XmlTamanoMaximo = opciones.XmlTamanoMaximo, ZipTamanoMaximo = opciones.ZipTamanoMaximo, ZipEntradasMaximas = opciones.ZipEntradasMaximas,
                ImportacionLote = 1,
            }))
            : sp.GetRequiredService<ImportacionService>();
        var r = await importacion.ImportarLoteAsync(1, Benchmark,
            [new ArchivoEntrante(Path.GetFileName(zip), new FileInfo(zip).Length, _ => Task.FromResult<Stream>(File.OpenRead(zip)))], ct: Ct);
        Assert.All(r, x => Assert.True(x.Estado == EstadoImportacion.Importado, $"{x.Archivo}: {x.Detalle}"));
    }

    private static async Task PostZipAsync(HttpClient http, string zip)
    {
        await using var archivo = File.OpenRead(zip);
        using var contenido = new StreamContent(archivo);
        contenido.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        using var r = await http.PostAsync("/api/v1/comprobantes/zip", contenido, Ct);
        Assert.True(r.StatusCode == HttpStatusCode.OK, await r.Content.ReadAsStringAsync(Ct));
    }

    private static async Task PostXmlAsync(HttpClient http, byte[] xml)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(xml), "xml", "factura.xml" } };
        using var r = await http.PostAsync("/api/v1/comprobantes", form, Ct);
        Assert.True(r.StatusCode == HttpStatusCode.Created, await r.Content.ReadAsStringAsync(Ct));
    }

    // Linux: writing 5 to clear_refs resets the peak RSS the kernel reports as VmHWM.
    private static void ReiniciarPicoRss()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private static long PicoRss()
    {
        var linea = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
        return linea is null ? 0 : long.Parse(linea.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }
}
