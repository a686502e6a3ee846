using System.Diagnostics;
using System.Globalization;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Comprobantes;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AccesoDescargas.Tests.Features.Comprobantes.Cfdis;

namespace AccesoDescargas.Tests.Features.Comprobantes;

/// <summary>
/// Not a timed test: a measurement run on demand with
/// <c>dotnet run --project App.Tests -c Release -- -method "*Importa_10000*" -explicit only -showLiveOutput</c>.
/// </summary>
public class ImportacionBenchmark
{
    [Fact(Explicit = true)]
    public async Task Importa_10000_cfdi_generados_y_reporta_archivos_por_segundo_y_memoria_pico()
    {
        const int total = 10_000, receptores = 50;
        var salida = Xunit.TestContext.Current.TestOutputHelper!;
        // The import alone: the PDF worker would otherwise share the two cores while it runs.
        await using var app = new AppFactory(new() { ["Representacion:EnSegundoPlano"] = "false" });
        int existentes;
        await using (var db0 = app.CrearDb()) existentes = await db0.Comprobantes.CountAsync(Xunit.TestContext.Current.CancellationToken);
        var rfcs = Enumerable.Range(0, receptores).Select(i => $"BEN{80 + i % 20:00}{1 + i % 12:00}{10 + i % 18:00}A{(char)('A' + i % 26)}{i % 10}").ToArray();
        var inicio = new DateTime(2025, 1, 1, 8, 0, 0);
        // Each XML is generated when the importer opens it, as a browser or ZIP entry would stream it.
        var archivos = Enumerable.Range(0, total).Select(i => new ArchivoEntrante($"F-{i}.xml", null, _ =>
            Task.FromResult<Stream>(new MemoryStream(Bytes(Xml(Guid.NewGuid(), rfcs[i % receptores], $"RECEPTOR {i % receptores}",
                folio: i.ToString(CultureInfo.InvariantCulture), fecha: inicio.AddMinutes(i))))))).ToList();

        GC.Collect();
        var proceso = Process.GetCurrentProcess();
        var memoriaAntes = proceso.WorkingSet64;
        ReiniciarPicoRss();
        var asignadosAntes = GC.GetTotalAllocatedBytes();
        var reloj = Stopwatch.StartNew();
        IReadOnlyList<ResultadoArchivo> resultados;
        await using (var scope = app.Services.CreateAsyncScope())
            resultados = await scope.ServiceProvider.GetRequiredService<ImportacionService>()
                .ImportarLoteAsync(1, new Actor("benchmark", null), archivos, ct: Xunit.TestContext.Current.CancellationToken);
        reloj.Stop();

        Assert.Equal(total, resultados.Count(r => r.Estado == EstadoImportacion.Importado));
        await using var db = app.CrearDb();
        Assert.Equal(existentes + total, await db.Comprobantes.CountAsync(Xunit.TestContext.Current.CancellationToken));
        proceso.Refresh();
        var bytesEnDisco = Directory.EnumerateFiles(Path.Combine(app.DataDir, "files"), "*.xml", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        salida.WriteLine($"{total:N0} CFDI ({receptores} receptores nuevos) en {reloj.Elapsed.TotalSeconds:N1} s: {total / reloj.Elapsed.TotalSeconds:N0} archivos/s");
        salida.WriteLine($"Memoria del proceso: {memoriaAntes / 1048576.0:N0} MB antes, pico (VmHWM) {PicoRss() / 1048576.0:N0} MB, {proceso.WorkingSet64 / 1048576.0:N0} MB al final; " +
                         $"asignado por el GC durante la importación {(GC.GetTotalAllocatedBytes() - asignadosAntes) / 1048576.0:N0} MB; XML en disco {bytesEnDisco / 1048576.0:N1} MB");
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
