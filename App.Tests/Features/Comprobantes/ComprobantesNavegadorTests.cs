using AccesoDescargas.Fiscal;
using System.Text.RegularExpressions;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static AccesoDescargas.Tests.Features.Comprobantes.Cfdis;
using static Microsoft.Playwright.Assertions;

namespace AccesoDescargas.Tests.Features.Comprobantes;

[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public class ComprobantesNavegadorTests
{
    private readonly Navegador navegador;

    public ComprobantesNavegadorTests(Navegador navegador)
    {
        this.navegador = navegador;
        // Two cores shared by several builds: a grid reload can take longer than Playwright's 5 s default.
        SetDefaultExpectTimeout(20_000);
    }

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static async Task<IPage> AbrirComprobantesAsync(Navegador navegador, string url)
    {
        var page = await navegador.NuevaPaginaAsync(url);
        await Navegador.IniciarSesionEmisorAsync(page);
        await page.GetByRole(AriaRole.Navigation, new() { Name = "Menú principal" }).GetByRole(AriaRole.Link, new() { Name = "Comprobantes" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Comprobantes", Level = 1 })).ToBeVisibleAsync();
        return page;
    }

    private static ILocator Fila(ILocator donde, string texto) => donde.GetByRole(AriaRole.Row).Filter(new() { HasText = texto });

    [Fact]
    public async Task Subir_un_par_xml_pdf_un_zip_y_un_archivo_rechazado_muestra_el_resultado_de_cada_uno_y_los_lista()
    {
        await using var app = new AppFactory();
        var carpeta = Directory.CreateTempSubdirectory("subida-").FullName;
        var (par, enZip, pdfPorUuid) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var sinTimbre = Xml(Guid.NewGuid(), folio: "2099");
        sinTimbre = sinTimbre[..sinTimbre.IndexOf("  <cfdi:Complemento>", StringComparison.Ordinal)] + "</cfdi:Comprobante>";
        File.WriteAllText(Path.Combine(carpeta, "FA-2001.xml"), Xml(par, "XIQB891116QE4", "BERENICE XIMO QUEZADA", folio: "2001"));
        File.WriteAllText(Path.Combine(carpeta, "FA-2001.pdf"), Pdf);
        File.WriteAllBytes(Path.Combine(carpeta, "marzo.zip"), Zip(
            ("FA-2002.xml", Bytes(Xml(enZip, "XIQB891116QE4", "BERENICE XIMO QUEZADA", folio: "2002"))),
            ("FA-2003.xml", Bytes(Xml(pdfPorUuid, "CAMA911215CJ0", "ANA MARÍA CASTRO MÁRQUEZ", folio: "2003"))),
            ($"representacion-{pdfPorUuid}.pdf", Bytes(Pdf + "%3\n"))));
        File.WriteAllText(Path.Combine(carpeta, "FA-2099.xml"), sinTimbre);
        var page = await AbrirComprobantesAsync(navegador, app.IniciarServidor());
        await Navegador.CapturarAsync(page, "04-comprobantes");

        // Dragging files over the zone highlights it (the drop itself is the browser's: it fills the file input).
        var zona = page.GetByTestId("zona-carga");
        var arrastre = await page.EvaluateHandleAsync("() => { const d = new DataTransfer(); d.items.add(new File(['x'], 'a.xml')); return d; }");
        await zona.DispatchEventAsync("dragenter", new Dictionary<string, object> { ["dataTransfer"] = arrastre });
        await Expect(zona).ToHaveClassAsync(new Regex("zona-carga-activa"));
        var entrada = page.GetByLabel("Archivos XML, PDF o ZIP para importar");
        await Expect(entrada).Not.ToHaveAttributeAsync("hidden", ""); // now over the zone, where the browser drops the files
        var (sobre, debajo) = ((await entrada.BoundingBoxAsync())!, (await zona.BoundingBoxAsync())!);
        Assert.True(sobre.X <= debajo.X + 1 && sobre.Y <= debajo.Y + 1 && sobre.Width >= debajo.Width - 2 && sobre.Height >= debajo.Height - 2,
            $"La entrada de archivos ({sobre.X},{sobre.Y} {sobre.Width}x{sobre.Height}) no cubre la zona ({debajo.X},{debajo.Y} {debajo.Width}x{debajo.Height}).");
        await Navegador.CapturarAsync(page, "04b-comprobantes-arrastrando");
        await entrada.DispatchEventAsync("dragleave", new Dictionary<string, object> { ["dataTransfer"] = arrastre });
        await Expect(zona).Not.ToHaveClassAsync(new Regex("zona-carga-activa"));

        await page.GetByLabel("Archivos XML, PDF o ZIP para importar").SetInputFilesAsync(
            new[] { "FA-2001.xml", "FA-2001.pdf", "marzo.zip", "FA-2099.xml" }.Select(n => Path.Combine(carpeta, n)));

        var resultado = page.GetByRole(AriaRole.Region, new() { Name = "Resultado de la importación por archivo" });
        await Expect(resultado).ToBeVisibleAsync(new() { Timeout = 60_000 }); // two new receptors: two password hashes on a busy machine
        await Expect(resultado.GetByRole(AriaRole.Status)).ToHaveTextAsync("Resultado: 5 importados 0 duplicados 1 rechazado"); // the pair, and 2 XML + 1 PDF from the ZIP
        await Expect(Fila(resultado, "FA-2001.pdf")).ToContainTextAsync("PDF de FA-2001.xml.");
        await Expect(Fila(resultado, "marzo.zip › FA-2002.xml")).ToContainTextAsync("Importado sin PDF.");
        await Expect(Fila(resultado, "marzo.zip › FA-2003.xml")).ToContainTextAsync("Importado con su PDF.");
        await Expect(Fila(resultado, $"marzo.zip › representacion-{pdfPorUuid}.pdf")).ToContainTextAsync("Importado");
        await Expect(Fila(resultado, "FA-2099.xml")).ToContainTextAsync("Rechazado");
        await Expect(Fila(resultado, "FA-2099.xml")).ToContainTextAsync(CfdiReader.MensajeNoTimbrado);

        // The grid reloads with the new comprobantes, newest first among the demo ones.
        var grid = page.GetByRole(AriaRole.Region, new() { Name = "Comprobantes importados" });
        await Expect(grid.GetByRole(AriaRole.Row).Filter(new() { HasText = "FA-2001" })).ToContainTextAsync("XIQB891116QE4");
        await Navegador.CapturarAsync(page, "05-comprobantes-importados");

        await page.GetByLabel("RFC del receptor").FillAsync("XIQB");
        await Expect(grid.GetByRole(AriaRole.Row).Filter(new() { HasText = "FA-" })).ToHaveCountAsync(2);
        await Expect(grid).Not.ToContainTextAsync("COSC8001137NA");
        Directory.Delete(carpeta, recursive: true);
    }

    [Fact]
    public async Task Desde_el_grid_se_descarga_se_envia_por_correo_y_se_marca_como_cancelado()
    {
        await using var smtp = await ServidorSmtp.IniciarNuevoAsync();
        await using var app = new AppFactory(smtp.Ajustes);
        var url = app.IniciarServidor();
        var uuid = Guid.NewGuid();
        var xml = Xml(uuid, AppFactory.ReceptorRfc, "CARLOS CORTÉS SOTO", serie: "FA", folio: "3001", fecha: DateTime.Today.AddDays(1));
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<ImportacionService>().ImportarAsync(1, new Actor("prueba", null),
                new MemoryStream(Bytes(xml)), new MemoryStream(Bytes(Pdf)), Ct);
        var page = await AbrirComprobantesAsync(navegador, url);
        var fila = Fila(page.GetByRole(AriaRole.Region, new() { Name = "Comprobantes importados" }), "FA-3001");

        var descarga = await page.RunAndWaitForDownloadAsync(() => fila.GetByRole(AriaRole.Link, new() { Name = "Descargar XML de FA-3001" }).ClickAsync());
        Assert.Equal($"FA-3001_{uuid.ToString().ToUpperInvariant()}.xml", descarga.SuggestedFilename);
        Assert.Equal(xml, await File.ReadAllTextAsync((await descarga.PathAsync())!, Ct));
        var pdf = await page.APIRequest.GetAsync($"/comprobantes/{uuid}/pdf");
        Assert.Equal(200, pdf.Status);
        Assert.Equal(Pdf, await pdf.TextAsync());
        // A comprobante imported without a PDF still downloads one: its representación impresa.
        var generado = await page.APIRequest.GetAsync("/comprobantes/00000001-4d2e-4c1a-9b2f-1e00de301701/pdf");
        Assert.Equal(200, generado.Status);
        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString((await generado.BodyAsync())[..5]));

        // Another emisor's comprobante is not found, exactly like one that does not exist.
        var ajeno = Guid.NewGuid();
        await using (var db = app.CrearDb())
        {
            var otro = new Emisor { Rfc = "CSM190311AH6", RazonSocial = "OTRO", Slug = "otro" };
            db.Emisores.Add(otro);
            await db.SaveChangesAsync(Ct);
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ImportacionService>().ImportarAsync(otro.Id, new Actor("prueba", null),
                new MemoryStream(Bytes(Xml(ajeno, emisorRfc: "CSM190311AH6"))), null, Ct);
        }
        Assert.Equal(404, (await page.APIRequest.GetAsync($"/comprobantes/{ajeno}/xml")).Status);
        Assert.Equal(404, (await page.APIRequest.GetAsync($"/comprobantes/{Guid.NewGuid()}/xml")).Status);

        await fila.GetByRole(AriaRole.Button, new() { Name = "Enviar por correo FA-3001" }).ClickAsync();
        var dialogo = page.GetByRole(AriaRole.Dialog);
        var correo = dialogo.GetByLabel("Correo electrónico");
        await Expect(correo).ToHaveValueAsync("carlos.cortes@ejemplo.mx"); // the cliente's
        await correo.FillAsync("carlos@ejemplo.mx, otra@ejemplo.mx");
        await dialogo.GetByRole(AriaRole.Button, new() { Name = "Enviar" }).ClickAsync();
        await Expect(dialogo.GetByText("Sólo puede enviarse un correo a la vez.")).ToBeVisibleAsync();
        await Navegador.CapturarAsync(page, "06-enviar-comprobante");
        await correo.FillAsync("carlos@ejemplo.mx");
        await correo.PressAsync("Enter");
        await Expect(dialogo).ToBeHiddenAsync();
        await Expect(page.GetByText("Se envió el comprobante FA-3001 a carlos@ejemplo.mx.")).ToBeVisibleAsync();

        var mensaje = await smtp.EsperarCorreoAsync(m => m.To.Mailboxes.Any(x => x.Address == "carlos@ejemplo.mx"));
        Assert.Equal("Comprobante fiscal FA-3001 de ESCUELA KEMPER URGATE SA DE CV", mensaje.Subject);
        Assert.Equal([$"FA-3001_{uuid.ToString().ToUpperInvariant()}.xml", $"FA-3001_{uuid.ToString().ToUpperInvariant()}.pdf"],
            mensaje.Attachments.Select(a => a.ContentDisposition?.FileName));
        Assert.Matches(new Regex($@"http://127\.0\.0\.1:\d+/portal/demo/ingresar\?rfc={AppFactory.ReceptorRfc}"), mensaje.TextBody);
        Assert.Contains(uuid.ToString().ToUpperInvariant(), mensaje.HtmlBody);

        await fila.GetByRole(AriaRole.Button, new() { Name = "Marcar como cancelado FA-3001" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Marcar como cancelado" }).ClickAsync();
        await Expect(fila).ToContainTextAsync("Cancelado");
        await Expect(fila.GetByRole(AriaRole.Button, new() { Name = "Marcar como vigente FA-3001" })).ToBeVisibleAsync();

        await using var despues = app.CrearDb();
        var clave = uuid.ToString().ToUpperInvariant();
        Assert.Equal(EstadoComprobante.Cancelado, await despues.Comprobantes.Where(c => c.Uuid == clave).Select(c => c.Estado).SingleAsync(Ct));
        var eventos = await despues.Eventos.Where(e => e.Uuid == clave).Select(e => e.Que).ToListAsync(Ct);
        Assert.Contains("comprobante.enviado", eventos);
        Assert.Contains("comprobante.cancelado", eventos);
    }

    [Fact]
    public async Task Una_clave_de_api_se_muestra_completa_una_sola_vez_se_lista_por_su_prefijo_y_se_revoca()
    {
        await using var app = new AppFactory();
        var page = await navegador.NuevaPaginaAsync(app.IniciarServidor());
        await Navegador.IniciarSesionEmisorAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Claves de API" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Claves de API", Level = 1 })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Crear clave de API" }).ClickAsync();
        var dialogo = page.GetByRole(AriaRole.Dialog);
        await dialogo.GetByLabel("Nombre").FillAsync("Sistema de facturación");
        await dialogo.GetByRole(AriaRole.Button, new() { Name = "Crear" }).ClickAsync();
        var campo = dialogo.GetByLabel("Clave de API");
        await Expect(campo).ToHaveValueAsync(new Regex("^ad_[A-Za-z0-9_-]{43}$"));
        var clave = await campo.InputValueAsync();
        await Navegador.CapturarAsync(page, "07-clave-api-creada");
        await dialogo.GetByRole(AriaRole.Button, new() { Name = "Listo" }).ClickAsync();

        var fila = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Sistema de facturación" });
        await Expect(fila).ToContainTextAsync(clave[..11] + "…");
        await Expect(page.Locator("body")).Not.ToContainTextAsync(clave);
        var api = await page.APIRequest.GetAsync($"/api/v1/comprobantes/{Guid.NewGuid()}", new() { Headers = new Dictionary<string, string> { ["X-Api-Key"] = clave } });
        Assert.Equal(404, api.Status); // authenticated: the comprobante just does not exist

        await fila.GetByRole(AriaRole.Button, new() { Name = "Revocar la clave Sistema de facturación" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revocar" }).ClickAsync();
        await Expect(fila).ToContainTextAsync("Revocada");
        await Navegador.CapturarAsync(page, "08-claves-api");
        var revocada = await page.APIRequest.GetAsync($"/api/v1/comprobantes/{Guid.NewGuid()}", new() { Headers = new Dictionary<string, string> { ["X-Api-Key"] = clave } });
        Assert.Equal(401, revocada.Status);
    }
}
