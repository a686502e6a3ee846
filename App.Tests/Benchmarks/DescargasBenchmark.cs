using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Text.RegularExpressions;
using AccesoDescargas.Infrastructure.Storage;
using AccesoDescargas.Tests.Features.Portal;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Tests.Benchmarks;

/// <summary>
/// Not a timed test: a receptor's single-file downloads (XML and PDF) measured with wrk next to "the
/// anchor" (a minimal API with cookie authentication, <c>RequireAuthorization</c> and
/// <c>PhysicalFile</c> serving the same files) in the same process and run.
/// Prints req/s, p50/p99 latency, the process's CPU per 1,000 requests, managed bytes allocated per
/// request and lock contentions per second for each, and the ratios app/anchor. Five interleaved rounds
/// of 8 s (BENCH_SEGUNDOS) after a warm-up that waits for the JIT to go quiet: the anchor's own figure
/// moves by half between shorter runs on this machine.
/// Needs wrk (Debian: apt-get install wrk). Run on demand:
/// ./test.sh -method "*DescargasBenchmark*" -explicit only -showLiveOutput
/// </summary>
public partial class DescargasBenchmark(ITestOutputHelper salida)
{
    private const string Rfc = "CAMA911215CJ0";
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private static readonly int Segundos = int.TryParse(Environment.GetEnvironmentVariable("BENCH_SEGUNDOS"), out var s) ? s : 8;
    private const int Rondas = 5;

    private sealed record Medicion(double Rps, double P50Ms, double P99Ms, double CpuMsPorMil, double BytesPorPeticion, double ContencionesPorSegundo, long Peticiones);

    [Fact(Explicit = true)]
    public async Task Descargas_del_portal_junto_al_ancla()
    {
        if (!File.Exists("/usr/bin/wrk")) Assert.Fail("Este benchmark necesita wrk: apt-get install wrk");
        var configuracion = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Error",
            ["Representacion:EnSegundoPlano"] = "false",
            // As published: an unpublished build adds a fallback route for wwwroot files missing from the
            // build's manifest, whose constraint looks for the file on disk on every request.
            ["DisableStaticAssetNotFoundRuntimeFallback"] = "true",
        };
        // A ladder step: BENCH_CONFIG="Clave:Sub=valor;Otra=valor" overrides the app's settings for this run.
        foreach (var par in (Environment.GetEnvironmentVariable("BENCH_CONFIG") ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            configuracion[par[..par.IndexOf('=')]] = par[(par.IndexOf('=') + 1)..];
        await using var app = new AppFactory(configuracion);
        var baseUrl = app.IniciarServidor().TrimEnd('/');
        // A 6 KB XML and a 120 KB PDF, as in /work/shared/PERFORMANCE.md.
        var c = await Portal.AgregarComprobanteAsync(app, Rfc, pdf: Portal.PdfDePrueba(120_000));
        // The receptor's access exists from the seed; give it a known password through the real service.
        var contrasena = "BenchClave2026";
        await using (var db = app.CrearDb())
        {
            var acceso = await db.Accesos.SingleOrDefaultAsync(a => a.Rfc == Rfc, Ct);
            if (acceso is null) Assert.Fail($"El acceso de {Rfc} no existe en los datos de demostración.");
            acceso.PasswordHash = app.Services.GetRequiredService<AccesoDescargas.Contrasenas.ContrasenaHasher>().Hash(contrasena);
            acceso.Habilitado = true;
            await db.SaveChangesAsync(Ct);
        }
        var handler = new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false };
        using (var client = new HttpClient(handler) { BaseAddress = new Uri(baseUrl) })
            Assert.Equal(HttpStatusCode.Redirect, (await Portal.IngresarAsync(client, Rfc, contrasena)).StatusCode);
        var cookieApp = handler.CookieContainer.GetCookieHeader(new Uri(baseUrl));

        var store = app.Services.GetRequiredService<IFileStore>();
        await using var ancla = await AnclaAsync(store.RutaFisica(c.XmlKey)!, store.RutaFisica(c.PdfKey!)!);
        var baseAncla = ancla.Urls.First().TrimEnd('/');
        string cookieAncla;
        using (var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }))
        {
            var r = await client.GetAsync(baseAncla + "/entrar", Ct);
            cookieAncla = string.Join("; ", r.Headers.GetValues("Set-Cookie").Select(v => v.Split(';')[0]));
        }

        int eventosAntes;
        await using (var db = app.CrearDb()) eventosAntes = await db.Eventos.CountAsync(e => e.Rfc == Rfc && e.Que.StartsWith("descarga."), Ct);

        var casos = new (string Nombre, string Url, string Cookie, bool EsApp)[]
        {
            ("ancla XML ", baseAncla + "/archivo.xml", cookieAncla, false),
            ("portal XML", $"{baseUrl}/portal/demo/comprobantes/{c.Uuid}/xml", cookieApp, true),
            ("ancla PDF ", baseAncla + "/archivo.pdf", cookieAncla, false),
            ("portal PDF", $"{baseUrl}/portal/demo/comprobantes/{c.Uuid}/pdf", cookieApp, true),
        };
        // Each must answer 200 with the cookie before it is measured (a 302 to the sign-in would be fast and wrong).
        using (var verificar = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }))
            foreach (var caso in casos)
            {
                using var m = new HttpRequestMessage(HttpMethod.Get, caso.Url);
                m.Headers.Add("Cookie", caso.Cookie);
                using var r = await verificar.SendAsync(m, Ct);
                Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            }

        // Warm-up (JIT, pools, page cache), until the tiered JIT has nothing left to recompile.
        foreach (var caso in casos) await WrkAsync(caso.Url, caso.Cookie, 3);
        await MotorDelBenchmark.EsperarJitQuietoAsync();
        var medidas = casos.ToDictionary(c => c.Nombre, _ => new List<Medicion>());
        for (var ronda = 0; ronda < Rondas; ronda++)
            foreach (var caso in casos)
                medidas[caso.Nombre].Add(await WrkAsync(caso.Url, caso.Cookie, Segundos));

        var carga = File.ReadAllText("/proc/loadavg").Split(' ').Take(3);
        salida.WriteLine($"wrk -t2 -c32 -d{Segundos}s, {Rondas} rondas intercaladas (mediana); XML {new FileInfo(store.RutaFisica(c.XmlKey)!).Length:N0} B, PDF 120,000 B; carga {string.Join(' ', carga)}");
        salida.WriteLine("caso          req/s    p50 ms  p99 ms  CPU ms/1k  KB asignados/pet  contenciones/s");
        Medicion Mediana(string nombre)
        {
            var l = medidas[nombre];
            double M(Func<Medicion, double> f) => l.Select(f).Order().ElementAt(l.Count / 2);
            return new(M(x => x.Rps), M(x => x.P50Ms), M(x => x.P99Ms), M(x => x.CpuMsPorMil), M(x => x.BytesPorPeticion), M(x => x.ContencionesPorSegundo), l.Sum(x => x.Peticiones));
        }
        foreach (var caso in casos)
        {
            var m = Mediana(caso.Nombre);
            salida.WriteLine($"{caso.Nombre}  {m.Rps,8:N0}  {m.P50Ms,7:N2} {m.P99Ms,7:N2}  {m.CpuMsPorMil,9:N0}  {m.BytesPorPeticion / 1024,16:N1}  {m.ContencionesPorSegundo,14:N0}");
        }
        foreach (var tipo in new[] { "XML", "PDF" })
        {
            Medicion a = Mediana($"ancla {tipo} "), p = Mediana($"portal {tipo}");
            salida.WriteLine($"{tipo}: portal/ancla req/s {p.Rps / a.Rps:N2}×, p99 {p.P99Ms / a.P99Ms:N2}×, CPU por petición {p.CpuMsPorMil / a.CpuMsPorMil:N2}×");
        }

        // Every download was audited: the writer catches up and the count matches what the server answered.
        var servidas = casos.Where(c => c.EsApp).Sum(c => medidas[c.Nombre].Sum(m => m.Peticiones));
        await Portal.EsperarAsync(async () =>
        {
            await using var db = app.CrearDb();
            return await db.Eventos.CountAsync(e => e.Rfc == Rfc && e.Que.StartsWith("descarga."), Ct) - eventosAntes >= servidas;
        }, "que se registren todas las descargas");
        int eventos;
        await using (var db = app.CrearDb()) eventos = await db.Eventos.CountAsync(e => e.Rfc == Rfc && e.Que.StartsWith("descarga."), Ct) - eventosAntes;
        salida.WriteLine($"Eventos de descarga registrados: {eventos:N0} (wrk contó {servidas:N0} respuestas medidas más las de calentamiento)");
    }

    /// <summary>The anchor: what a bare authenticated file endpoint costs in this framework.</summary>
    private static async Task<WebApplication> AnclaAsync(string xml, string pdf)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
        builder.Services.AddAuthorization();
        var web = builder.Build();
        web.UseAuthentication();
        web.UseAuthorization();
        web.MapGet("/entrar", async (HttpContext http) =>
        {
            await http.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, Rfc)], CookieAuthenticationDefaults.AuthenticationScheme)));
            return Results.Ok();
        });
        web.MapGet("/archivo.xml", () => TypedResults.PhysicalFile(xml, "application/xml", "archivo.xml")).RequireAuthorization();
        web.MapGet("/archivo.pdf", () => TypedResults.PhysicalFile(pdf, "application/pdf", "archivo.pdf", enableRangeProcessing: true)).RequireAuthorization();
        await web.StartAsync(Ct);
        return web;
    }

    private static async Task<Medicion> WrkAsync(string url, string cookie, int segundos)
    {
        var proceso = Process.GetCurrentProcess();
        var cpu = proceso.TotalProcessorTime;
        var bytes = GC.GetTotalAllocatedBytes(false);
        var contenciones = Monitor.LockContentionCount;
        var reloj = Stopwatch.StartNew();
        var inicio = new ProcessStartInfo("/usr/bin/wrk") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-t2", "-c32", $"-d{segundos}s", "--latency", "-H", $"Cookie: {cookie}", url }) inicio.ArgumentList.Add(a);
        using var wrk = Process.Start(inicio)!;
        var texto = await wrk.StandardOutput.ReadToEndAsync(Ct);
        await wrk.WaitForExitAsync(Ct);
        var tiempo = reloj.Elapsed.TotalSeconds;
        proceso.Refresh();
        var cpuMs = (proceso.TotalProcessorTime - cpu).TotalMilliseconds;
        bytes = GC.GetTotalAllocatedBytes(false) - bytes;
        contenciones = Monitor.LockContentionCount - contenciones;

        if (NoOk().Match(texto) is { Success: true } error) throw new InvalidOperationException($"{url}: {error.Value}");
        var peticiones = long.Parse(Peticiones().Match(texto).Groups[1].Value, CultureInfo.InvariantCulture);
        return new(double.Parse(Rps().Match(texto).Groups[1].Value, CultureInfo.InvariantCulture),
            Latencia(texto, "50"), Latencia(texto, "99"), cpuMs * 1000 / peticiones, (double)bytes / peticiones, contenciones / tiempo, peticiones);
    }

    private static double Latencia(string texto, string percentil)
    {
        var m = Regex.Match(texto, $@"^\s*{percentil}%\s+([\d.]+)(us|ms|s)\s*$", RegexOptions.Multiline);
        var v = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch { "us" => v / 1000, "s" => v * 1000, _ => v };
    }

    [GeneratedRegex(@"Requests/sec:\s+([\d.]+)")]
    private static partial Regex Rps();

    [GeneratedRegex(@"(\d+) requests in")]
    private static partial Regex Peticiones();

    [GeneratedRegex(@"Non-2xx or 3xx responses: \d+")]
    private static partial Regex NoOk();
}
