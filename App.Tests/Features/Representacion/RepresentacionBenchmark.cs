using AccesoDescargas.Fiscal;
using System.Diagnostics;
using System.Text;
using AccesoDescargas.Features.Representacion;
using AccesoDescargas.Infrastructure.Demo;
using Microsoft.Extensions.DependencyInjection;

namespace AccesoDescargas.Tests.Features.Representacion;

/// <summary>
/// Not a timed test: prints how long generation takes and leaves the PDFs for a look
/// (pdftoppm -png -r 80 x.pdf x). Run it on purpose:
/// <c>dotnet run --project App.Tests -c Release -- -class AccesoDescargas.Tests.Features.Representacion.RepresentacionBenchmark -explicit only</c>
/// </summary>
public class RepresentacionBenchmark
{
    static readonly string Salida = Path.Combine(Path.GetTempPath(), "representacion-muestras");

    [Fact(Explicit = true)]
    public void Tiempo_por_pdf_de_un_cfdi_tipico_y_de_uno_con_300_conceptos()
    {
        FuentesRepresentacion.Registrar(Path.Combine(AppContext.BaseDirectory, "fonts"));
        Directory.CreateDirectory(Salida);
        var tipico = Xml(2);
        var largo = Xml(300);

        var salida = Xunit.TestContext.Current.TestOutputHelper!;
        foreach (var (nombre, xml, veces) in new[] { ("típico (2 conceptos)", tipico, 200), ("300 conceptos", largo, 20) })
        {
            Generar(xml); // warm-up: JIT, font parsing
            // CPU time as well as wall time: on a shared machine the wall clock mostly measures the neighbours.
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var reloj = Stopwatch.StartNew();
            long bytes = 0;
            for (var i = 0; i < veces; i++) bytes = Generar(xml).Length;
            reloj.Stop();
            cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
            salida.WriteLine($"{nombre}: {reloj.Elapsed.TotalMilliseconds / veces:0.0} ms por PDF, {cpu.TotalMilliseconds / veces:0.0} ms de CPU " +
                $"({veces} veces, {bytes / 1024} KB, {Paginas(Generar(xml))} páginas)");
        }
        File.WriteAllBytes(Path.Combine(Salida, "tipico.pdf"), Generar(tipico));
        File.WriteAllBytes(Path.Combine(Salida, "300-conceptos.pdf"), Generar(largo));
    }

    [Fact(Explicit = true)]
    public async Task Tiempo_del_generador_sobre_los_comprobantes_de_demostracion()
    {
        await using var app = new AppFactory(new() { ["Representacion:EnSegundoPlano"] = "false" });
        var generador = app.Services.GetRequiredService<GeneradorPdf>();

        var reloj = Stopwatch.StartNew();
        var generados = await generador.GenerarPendientesAsync(Xunit.TestContext.Current.CancellationToken);
        reloj.Stop();

        Xunit.TestContext.Current.TestOutputHelper!.WriteLine(
            $"Generador: {generados} PDF en {reloj.ElapsedMilliseconds} ms ({reloj.Elapsed.TotalMilliseconds / generados:0.0} ms cada uno, con lectura del XML, almacén y base de datos; el primero incluye el arranque en frío)");
        Assert.Equal(20, generados);
    }

    static byte[] Generar(string xml)
    {
        using var pdf = new MemoryStream();
        RepresentacionImpresa.Generar(CfdiReader.LeerDocumento(new MemoryStream(Encoding.UTF8.GetBytes(xml))), pdf);
        return pdf.ToArray();
    }

    static int Paginas(byte[] pdf)
    {
        using var documento = UglyToad.PdfPig.PdfDocument.Open(pdf);
        return documento.NumberOfPages;
    }

    static string Xml(int conceptos) => CfdiDeEjemplo.Xml(
        DemoSeeder.EmisorRfc, DemoSeeder.EmisorNombre, "MCI7306249Y1", "MATERIALES Y CONSTRUCCIONES DEL ISTMO SA DE CV",
        Guid.Parse("04BF2854-FE7D-4377-9196-71248F060ABB"), new DateTime(2026, 3, 2, 10, 15, 0),
        Enumerable.Range(1, conceptos).Select(i => new ConceptoEjemplo(
            1 + i % 4, "31161500", i % 10 == 0 ? $"Tornillo hexagonal galvanizado de 1/2\" x 3\" con tuerca y rondana, partida {i}" : $"Refacción partida {i}",
            12.5m + i)).ToList());
}
