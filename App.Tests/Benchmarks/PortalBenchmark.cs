using System.Diagnostics;
using System.Net;
using System.Text;
using AccesoDescargas.Features.Portal;
using AccesoDescargas.Infrastructure.Demo;
using AccesoDescargas.Infrastructure.Storage;
using AccesoDescargas.Tests.Features.Portal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Tests.Benchmarks;

/// <summary>
/// Not a timed test: 50,000 comprobantes for one RFC; prints the list queries' times, single-download
/// requests per second on loopback next to the framework's static-file serving of the same files in
/// the same run, and the time and memory of ZIPs of 1,000 and 5,000 comprobantes; on SQLite (the
/// anchor) and on PostgreSQL in the same run. Run on demand:
/// PRUEBAS_SOLO_SQLITE= ./test.sh -method "*PortalBenchmark*" -explicit only -showLiveOutput
/// (test.sh starts the PostgreSQL cluster; the PostgreSQL case is skipped without it). While one test process
/// cannot run the app on both engines (see <see cref="MotorDelBenchmark"/>), run it once with BENCH_MOTOR=Sqlite
/// and once with BENCH_MOTOR=PostgreSql, one right after the other, and compare the load averages they print.
/// </summary>
[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // each case picks its engine itself
public class PortalBenchmark(ITestOutputHelper salida)
{
    private const string Rfc = "CAMA911215CJ0", Contrasena = "BenchClave2026";
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    /// <summary>
    /// Issue 10's folio search alone (a few seconds): the same list queries with folio prefixes, next to the first page
    /// without a filter (the anchor), and each search's plan. PRUEBAS_SOLO_SQLITE=1 ./test.sh -method "*Folio*" -explicit only -showLiveOutput
    /// (BENCH_MOTOR=PostgreSql with PRUEBAS_SOLO_POSTGRES=1 for PostgreSQL).
    /// </summary>
    [Theory(Explicit = true)]
    [InlineData(ProveedorBaseDatos.Sqlite)]
    [InlineData(ProveedorBaseDatos.PostgreSql)]
    public async Task Busqueda_de_folio_con_50000_comprobantes_de_un_RFC(ProveedorBaseDatos proveedor)
    {
        MotorDelBenchmark.SaltarSiNoToca(proveedor);
        salida.WriteLine($"== {proveedor} ({MotorDelBenchmark.Carga()})");
        await using var app = new AppFactory(new() { ["Logging:LogLevel:Default"] = "Error" }, proveedor: proveedor);
        app.IniciarServidor();
        await SembrarAsync(app);
        await MedirListaAsync(app, [
            ("  primera página, sin filtro (ancla)  ", new(), 0, OrdenComprobantes.FechaDesc),
            ("  folio completo 123456               ", new(Buscar: "123456"), 0, OrdenComprobantes.FechaDesc),
            ("  prefijo serie-folio B-1234          ", new(Buscar: "B-1234"), 0, OrdenComprobantes.FechaDesc),
            ("  prefijo serie-folio b12345          ", new(Buscar: "b12345"), 0, OrdenComprobantes.FechaDesc),
            ("  prefijo de folio 1234               ", new(Buscar: "1234"), 0, OrdenComprobantes.FechaDesc),
            ("  prefijo que no existe B-9           ", new(Buscar: "B-9"), 0, OrdenComprobantes.FechaDesc),
        ]);
        await PlanesFolioAsync(app, proveedor);
        salida.WriteLine($"Carga al terminar: {MotorDelBenchmark.Carga()}");
    }

    /// <summary>The plan of the folio prefix search's COUNT (the page's query has the same WHERE).</summary>
    private async Task PlanesFolioAsync(AppFactory app, ProveedorBaseDatos proveedor)
    {
        await using var db = app.CrearDb();
        var sql = PortalService.Filtrar(db.Comprobantes.AsNoTracking(), 1, Rfc, new(Buscar: "B-1234")).Select(c => c.Id).ToQueryString();
        salida.WriteLine("Consulta de «B-1234»:\n" + sql);
        var conexion = db.Database.GetDbConnection();
        await conexion.OpenAsync(Ct);
        await using var comando = conexion.CreateCommand();
        var lineas = sql.Split('\n');
        if (proveedor == ProveedorBaseDatos.Sqlite)
        {
            comando.CommandText = "EXPLAIN QUERY PLAN " + string.Join('\n', lineas.Where(l => !l.StartsWith(".param")));
            foreach (var linea in lineas.Where(l => l.StartsWith(".param set ")))
            {
                var partes = linea.Split(' ', 4);
                object valor = partes[3].StartsWith('\'') ? partes[3].Trim('\'') : long.Parse(partes[3]);
                comando.Parameters.Add(new SqliteParameter(partes[2], valor));
            }
        }
        else
        {
            // Npgsql's ToQueryString declares its parameters as "-- @name='value'" comments.
            var cuerpo = string.Join('\n', lineas.Where(l => !l.StartsWith("-- @")));
            foreach (var linea in lineas.Where(l => l.StartsWith("-- @")))
            {
                var (nombre, valor) = (linea[3..linea.IndexOf('=')], linea[(linea.IndexOf('=') + 1)..]);
                var tipo = valor.IndexOf(" (DbType", StringComparison.Ordinal);
                if (tipo > 0) valor = valor[..tipo];
                valor = valor.Trim('\'');
                comando.Parameters.Add(int.TryParse(valor, out var numero)
                    ? new NpgsqlParameter(nombre.TrimStart('@'), numero)
                    : new NpgsqlParameter(nombre.TrimStart('@'), valor));
            }
            comando.CommandText = "EXPLAIN (ANALYZE, BUFFERS) " + cuerpo;
        }
        await using var plan = await comando.ExecuteReaderAsync(Ct);
        while (await plan.ReadAsync(Ct)) salida.WriteLine("  " + plan.GetString(proveedor == ProveedorBaseDatos.Sqlite ? 3 : 0));
    }

    [Theory(Explicit = true)]
    [InlineData(ProveedorBaseDatos.Sqlite)]
    [InlineData(ProveedorBaseDatos.PostgreSql)]
    public async Task Portal_con_50000_comprobantes_de_un_RFC(ProveedorBaseDatos proveedor)
    {
        MotorDelBenchmark.SaltarSiNoToca(proveedor);
        salida.WriteLine($"== {proveedor} ({MotorDelBenchmark.Carga()})");
        await using var app = new AppFactory(new() { ["Logging:LogLevel:Default"] = "Error" }, proveedor: proveedor);
        var baseUrl = app.IniciarServidor();
        var (xml, pdf) = await SembrarAsync(app);

        await MedirListaAsync(app);
        if (proveedor == ProveedorBaseDatos.PostgreSql) await ExplicarAsync(app);

        var handler = new SocketsHttpHandler { CookieContainer = new CookieContainer(), MaxConnectionsPerServer = 64, AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl) };
        Assert.Equal(HttpStatusCode.Redirect, (await Portal.IngresarAsync(client, Rfc, Contrasena)).StatusCode);
        var uuid = await UnUuidAsync(app);

        await using var estatico = await ServidorEstaticoAsync(app.DataDir);
        using var clienteEstatico = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = new Uri(estatico.Urls.First()) };
        var rutaXml = "/" + xml.Key;
        var rutaPdf = "/" + pdf.Key;

        salida.WriteLine($"Descargas por segundo (32 conexiones, 5 s, HttpClient en el mismo proceso; XML {xml.Size:N0} B, PDF {pdf.Size:N0} B):");
        foreach (var (nombre, c, url) in new[]
        {
            ("  estático XML  ", clienteEstatico, rutaXml),
            ("  app.css, recurso estático de la app con su pipeline completo ", client, "/css/app.css"),
            ("  portal XML    ", client, $"/portal/demo/comprobantes/{uuid}/xml"),
            ("  estático PDF  ", clienteEstatico, rutaPdf),
            ("  portal PDF    ", client, $"/portal/demo/comprobantes/{uuid}/pdf"),
        })
            salida.WriteLine($"{nombre}{await PeticionesPorSegundoAsync(c, url):N0} req/s");

        await MedirZipAsync(app, client, "2022-01-01", 1_000);
        await MedirZipAsync(app, client, "2022-01-01", 5_000);
    }

    private async Task<(ArchivoGuardado Xml, ArchivoGuardado Pdf)> SembrarAsync(AppFactory app)
    {
        var store = app.Services.GetRequiredService<IFileStore>();
        var conceptos = Enumerable.Range(1, 12).Select(i => new ConceptoEjemplo(i, "84111506", $"Servicio profesional número {i} con descripción larga", 100m * i)).ToList();
        var xml = await store.GuardarAsync(new MemoryStream(Encoding.UTF8.GetBytes(CfdiDeEjemplo.Xml(DemoSeeder.EmisorRfc, DemoSeeder.EmisorNombre, Rfc, "ANA MARÍA CASTRO MÁRQUEZ",
            Guid.NewGuid(), DateTime.Now, conceptos))), "xml", Ct);
        var bytesPdf = new byte[120_000];
        new Random(5).NextBytes(bytesPdf);
        var pdf = await store.GuardarAsync(new MemoryStream(bytesPdf), "pdf", Ct);

        await using var db = app.CrearDb();
        var acceso = await db.Accesos.SingleAsync(a => a.Rfc == Rfc, Ct);
        acceso.PasswordHash = app.Services.GetRequiredService<ContrasenaHasher>().Hash(Contrasena);
        await db.SaveChangesAsync(Ct);

        var inicio = new DateTime(2022, 1, 1, 8, 0, 0);
        var filas = Enumerable.Range(0, 50_000).Select(i => new FilaBench(
            Guid.NewGuid().ToString().ToUpperInvariant(), (100_000 + i).ToString(), inicio.AddMinutes(i * 50),
            i % 9 == 0 ? "E" : i % 23 == 0 ? "P" : "I", 1000m + i % 5000 + 0.5m, i % 50 == 0 ? 1 : 0)).ToList();
        if (app.Proveedor == ProveedorBaseDatos.Sqlite) await SembrarSqliteAsync(db, filas, xml, pdf);
        else await SembrarPostgresAsync(db, filas, xml, pdf);
        salida.WriteLine($"50,000 comprobantes de {Rfc} (del 2022-01-01 cada 50 minutos, hasta {inicio.AddMinutes(49_999 * 50):yyyy-MM-dd}).");
        return (xml, pdf);
    }

    private sealed record FilaBench(string Uuid, string Folio, DateTime Fecha, string Tipo, decimal Total, int Estado);

    private static async Task SembrarSqliteAsync(AppDbContext db, List<FilaBench> filas, ArchivoGuardado xml, ArchivoGuardado pdf)
    {
        var conexion = (SqliteConnection)db.Database.GetDbConnection();
        await conexion.OpenAsync(Ct);
        await using var tx = await conexion.BeginTransactionAsync(Ct);
        var cmd = conexion.CreateCommand();
        cmd.CommandText = """
            INSERT INTO Comprobantes (EmisorId, Uuid, Version, Serie, Folio, Fecha, FechaTimbrado, Tipo, SubTotal, Total, Moneda, ReceptorRfc,
                Estado, XmlKey, XmlSize, XmlSha256, PdfKey, PdfSize, PdfSha256, PdfGenerado, ImportadoEn, RelacionesLeidas)
            VALUES (1, $uuid, '4.0', 'B', $folio, $fecha, $fecha, $tipo, $total, $total, 'MXN', $rfc, $estado, $xk, $xs, $xh, $pk, $ps, $ph, 0, $fecha, 1);
            """;
        var pUuid = cmd.Parameters.Add("$uuid", SqliteType.Text);
        var pFolio = cmd.Parameters.Add("$folio", SqliteType.Text);
        var pFecha = cmd.Parameters.Add("$fecha", SqliteType.Text);
        var pTipo = cmd.Parameters.Add("$tipo", SqliteType.Text);
        var pTotal = cmd.Parameters.Add("$total", SqliteType.Text);
        var pEstado = cmd.Parameters.Add("$estado", SqliteType.Integer);
        cmd.Parameters.AddWithValue("$rfc", Rfc);
        cmd.Parameters.AddWithValue("$xk", xml.Key);
        cmd.Parameters.AddWithValue("$xs", xml.Size);
        cmd.Parameters.AddWithValue("$xh", xml.Sha256);
        cmd.Parameters.AddWithValue("$pk", pdf.Key);
        cmd.Parameters.AddWithValue("$ps", pdf.Size);
        cmd.Parameters.AddWithValue("$ph", pdf.Sha256);
        foreach (var f in filas)
        {
            pUuid.Value = f.Uuid;
            pFolio.Value = f.Folio;
            pFecha.Value = f.Fecha.ToString("yyyy-MM-dd HH:mm:ss");
            pTipo.Value = f.Tipo;
            pTotal.Value = f.Total.ToString(System.Globalization.CultureInfo.InvariantCulture);
            pEstado.Value = f.Estado;
            await cmd.ExecuteNonQueryAsync(Ct);
        }
        await tx.CommitAsync(Ct);
        await using var analizar = conexion.CreateCommand();
        analizar.CommandText = "ANALYZE;";
        await analizar.ExecuteNonQueryAsync(Ct);
    }

    private static async Task SembrarPostgresAsync(AppDbContext db, List<FilaBench> filas, ArchivoGuardado xml, ArchivoGuardado pdf)
    {
        var conexion = (NpgsqlConnection)db.Database.GetDbConnection();
        await conexion.OpenAsync(Ct);
        await using (var copia = await conexion.BeginBinaryImportAsync("""
            COPY "Comprobantes" ("EmisorId", "Uuid", "Version", "Serie", "Folio", "Fecha", "FechaTimbrado", "Tipo", "SubTotal", "Total", "Moneda", "ReceptorRfc",
                "Estado", "XmlKey", "XmlSize", "XmlSha256", "PdfKey", "PdfSize", "PdfSha256", "PdfGenerado", "ImportadoEn", "RelacionesLeidas") FROM STDIN (FORMAT BINARY)
            """, Ct))
        {
            foreach (var f in filas)
            {
                var fecha = DateTime.SpecifyKind(f.Fecha, DateTimeKind.Utc); // stored as given, like the app does
                await copia.StartRowAsync(Ct);
                await copia.WriteAsync(1, NpgsqlDbType.Integer, Ct);
                await copia.WriteAsync(f.Uuid, NpgsqlDbType.Varchar, Ct);
                await copia.WriteAsync("4.0", NpgsqlDbType.Varchar, Ct);
                await copia.WriteAsync("B", NpgsqlDbType.Varchar, Ct);
                await copia.WriteAsync(f.Folio, NpgsqlDbType.Varchar, Ct);
                await copia.WriteAsync(fecha, NpgsqlDbType.TimestampTz, Ct);
                await copia.WriteAsync(fecha, NpgsqlDbType.TimestampTz, Ct);
                await copia.WriteAsync(f.Tipo, NpgsqlDbType.Varchar, Ct);
                await copia.WriteAsync(f.Total, NpgsqlDbType.Numeric, Ct);
                await copia.WriteAsync(f.Total, NpgsqlDbType.Numeric, Ct);
                await copia.WriteAsync("MXN", NpgsqlDbType.Varchar, Ct);
                await copia.WriteAsync(Rfc, NpgsqlDbType.Varchar, Ct);
                await copia.WriteAsync(f.Estado, NpgsqlDbType.Integer, Ct);
                await copia.WriteAsync(xml.Key, NpgsqlDbType.Varchar, Ct);
                await copia.WriteAsync(xml.Size, NpgsqlDbType.Bigint, Ct);
                await copia.WriteAsync(xml.Sha256, NpgsqlDbType.Text, Ct);
                await copia.WriteAsync(pdf.Key, NpgsqlDbType.Varchar, Ct);
                await copia.WriteAsync(pdf.Size, NpgsqlDbType.Bigint, Ct);
                await copia.WriteAsync(pdf.Sha256, NpgsqlDbType.Text, Ct);
                await copia.WriteAsync(false, NpgsqlDbType.Boolean, Ct);
                await copia.WriteAsync(fecha, NpgsqlDbType.TimestampTz, Ct);
                await copia.WriteAsync(true, NpgsqlDbType.Boolean, Ct); // no relations to read: the background reader has nothing to do
            }
            await copia.CompleteAsync(Ct);
        }
        await MotorDelBenchmark.VacuumAsync(conexion, "Comprobantes");
    }

    private async Task MedirListaAsync(AppFactory app, (string, FiltroComprobantes, int, OrdenComprobantes)[]? casos = null)
    {
        SesionPortal sesion;
        await using (var db = app.CrearDb())
        {
            // An anonymous type, not a ValueTuple: Npgsql reads no row value as a tuple.
            var acceso = await db.Accesos.Where(a => a.Rfc == Rfc).Select(a => new { a.Id, a.SelloSeguridad }).SingleAsync(Ct);
            sesion = new SesionPortal(acceso.Id, 1, "demo", Rfc, acceso.SelloSeguridad);
        }
        salida.WriteLine("Lista (PortalService.ListarAsync: un COUNT y una página de 25; mediana de 21):");
        foreach (var (nombre, filtro, pagina, orden) in casos ?? new (string, FiltroComprobantes, int, OrdenComprobantes)[]
        {
            ("  primera página, sin filtro          ", new(), 0, OrdenComprobantes.FechaDesc),
            ("  última página (OFFSET 49,975)       ", new(), 1999, OrdenComprobantes.FechaDesc),
            ("  un mes (2023-05)                    ", new(new DateOnly(2023, 5, 1), new DateOnly(2023, 5, 31)), 0, OrdenComprobantes.FechaDesc),
            ("  tipo Egreso                         ", new(Tipo: "E"), 0, OrdenComprobantes.FechaDesc),
            ("  buscar folio 123456                 ", new(Buscar: "123456"), 0, OrdenComprobantes.FechaDesc),
            ("  prefijo serie-folio B-1234          ", new(Buscar: "B-1234"), 0, OrdenComprobantes.FechaDesc),
            ("  buscar UUID completo                ", new(Buscar: await UnUuidAsync(app)), 0, OrdenComprobantes.FechaDesc),
            ("  ordenada por total                  ", new(), 0, OrdenComprobantes.TotalDesc),
        })
        {
            var tiempos = new List<double>();
            var total = 0;
            for (var i = 0; i < 21; i++)
            {
                await using var scope = app.Services.CreateAsyncScope();
                var servicio = scope.ServiceProvider.GetRequiredService<PortalService>();
                var reloj = Stopwatch.StartNew();
                total = (await servicio.ListarAsync(sesion, filtro, pagina, 25, orden, Ct)).Total;
                tiempos.Add(reloj.Elapsed.TotalMilliseconds);
            }
            tiempos.Sort();
            salida.WriteLine($"{nombre}{tiempos[10],7:N1} ms   ({total:N0} comprobantes)");
        }
    }

    /// <summary>The plans of the list's costly parts on PostgreSQL: the COUNT, the first page and the last one.</summary>
    private async Task ExplicarAsync(AppFactory app)
    {
        await using var db = app.CrearDb();
        var conexion = (NpgsqlConnection)db.Database.GetDbConnection();
        await conexion.OpenAsync(Ct);
        const string de = $"""FROM "Comprobantes" WHERE "EmisorId" = 1 AND "ReceptorRfc" = '{Rfc}'""";
        foreach (var sql in new[]
        {
            $"SELECT count(*) {de}",
            $"""SELECT "Id" {de} ORDER BY "Fecha" DESC, "Id" DESC LIMIT 25""",
            $"""SELECT "Id" {de} ORDER BY "Fecha" DESC, "Id" DESC LIMIT 25 OFFSET 49975""",
        })
        {
            salida.WriteLine(sql);
            await using var comando = new NpgsqlCommand("EXPLAIN (ANALYZE, BUFFERS) " + sql, conexion);
            await using var plan = await comando.ExecuteReaderAsync(Ct);
            while (await plan.ReadAsync(Ct)) salida.WriteLine("  " + plan.GetString(0));
        }
    }

    private static async Task<string> UnUuidAsync(AppFactory app)
    {
        await using var db = app.CrearDb();
        return await db.Comprobantes.Where(c => c.ReceptorRfc == Rfc && c.Folio == "125000").Select(c => c.Uuid).SingleAsync(Ct);
    }

    private static async Task<WebApplication> ServidorEstaticoAsync(string dataDir)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var web = builder.Build();
        web.UseStaticFiles(new StaticFileOptions { FileProvider = new PhysicalFileProvider(Path.Combine(dataDir, "files")), ServeUnknownFileTypes = true });
        await web.StartAsync(Ct);
        return web;
    }

    private static async Task<double> PeticionesPorSegundoAsync(HttpClient client, string url)
    {
        async Task UnaAsync()
        {
            using var r = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, Ct);
            if (r.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"{url}: {(int)r.StatusCode}");
            await r.Content.CopyToAsync(Stream.Null, Ct);
        }
        for (var i = 0; i < 300; i++) await UnaAsync(); // warm-up: JIT, connection pool, page cache

        var duracion = TimeSpan.FromSeconds(5);
        long n = 0;
        var reloj = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(async () =>
        {
            while (reloj.Elapsed < duracion)
            {
                await UnaAsync();
                Interlocked.Increment(ref n);
            }
        })));
        return n / reloj.Elapsed.TotalSeconds;
    }

    private async Task MedirZipAsync(AppFactory app, HttpClient client, string desde, int aproximados)
    {
        // 50 minutes apart: about `aproximados` comprobantes from `desde` end on this day.
        var hasta = DateOnly.Parse(desde).ToDateTime(TimeOnly.MinValue).AddMinutes((aproximados - 1) * 50 + 8 * 60).Date;
        var url = $"/portal/demo/comprobantes.zip?desde={desde}&hasta={hasta:yyyy-MM-dd}";
        int cantidad;
        await using (var db = app.CrearDb())
            cantidad = await db.Comprobantes.CountAsync(c => c.ReceptorRfc == Rfc && c.Fecha >= DateTime.Parse(desde) && c.Fecha < hasta.AddDays(1), Ct);
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
        using var r = await client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        await using var cuerpo = await r.Content.ReadAsStreamAsync(Ct);
        var buffer = new byte[81920];
        long bytes = 0;
        int leidos;
        while ((leidos = await cuerpo.ReadAsync(buffer, Ct)) > 0) bytes += leidos;
        var tiempo = reloj.Elapsed;
        await fin.CancelAsync();
        await muestreo;
        salida.WriteLine($"ZIP de {cantidad:N0} comprobantes (XML y PDF): {bytes / 1048576.0:N1} MB en {tiempo.TotalSeconds:N2} s; memoria del proceso +{(picoWs - baseWs) / 1048576.0:N1} MB (working set), montón administrado +{(picoHeap - baseHeap) / 1048576.0:N1} MB");
    }
}
