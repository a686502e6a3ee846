using System.Text.RegularExpressions;
using AccesoDescargas.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static AccesoDescargas.Tests.Features.Portal.Portal;

namespace AccesoDescargas.Tests.Features.Portal;

/// <summary>Issue 10: the receptor's main flow on a 390×844 phone, and the staff pages, without sideways scroll.</summary>
[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public class PortalTelefonoTests(Navegador navegador)
{
    [Fact]
    public async Task En_un_telefono_el_receptor_entra_filtra_descarga_un_PDF_y_un_ZIP_de_su_seleccion()
    {
        await using var app = new AppFactory();
        var baseUrl = app.IniciarServidor();
        var hoy = AccesoDescargas.Components.UiExtensions.AHoraMexico(DateTime.UtcNow).Date.AddHours(9);
        var a = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "T", folio: "7001", pdf: PdfDePrueba(40_000), fecha: hoy);
        var b = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "T", folio: "7002", pdf: PdfDePrueba(40_000), fecha: hoy.AddMinutes(1));
        var page = await navegador.NuevaPaginaTelefonoAsync(baseUrl);

        await page.GotoAsync($"/portal/demo/ingresar?rfc={AppFactory.ReceptorRfc}");
        await page.GetByLabel("Contraseña").FillAsync(AppFactory.ReceptorPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Entrar" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/portal/demo$"));
        await Navegador.EsperarCircuitoAsync(page);
        await Expect(page.GetByTestId("total-comprobantes")).ToContainTextAsync("comprobantes");
        await Navegador.RevisarAsync(page, "10-portal-telefono-lista");

        // The app bar keeps its actions on screen as icon buttons.
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cerrar sesión" })).ToBeInViewportAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Cambiar contraseña" })).ToBeInViewportAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = "Este mes" }).ClickAsync();
        await Expect(page.GetByTestId("total-comprobantes")).ToHaveTextAsync("2 comprobantes");

        // The date filter opens its calendar as a dialog on a phone.
        await page.GetByRole(AriaRole.Button, new() { Name = "Abrir el calendario" }).ClickAsync();
        var calendario = page.GetByRole(AriaRole.Dialog);
        await Expect(calendario).ToBeVisibleAsync();
        await Navegador.RevisarAsync(page, "10-portal-telefono-calendario");
        await page.ReloadAsync();
        await Navegador.EsperarCircuitoAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Este mes" }).ClickAsync();
        await Expect(page.GetByTestId("total-comprobantes")).ToHaveTextAsync("2 comprobantes");

        // The bottom bar's actions are on screen without scrolling.
        var seleccionados = page.GetByRole(AriaRole.Button, new() { Name = "Descargar seleccionados (0)" });
        await Expect(seleccionados).ToBeInViewportAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Descargar todos los del filtro (ZIP)" })).ToBeInViewportAsync();

        // A PDF icon downloads the file and does not tick its row.
        var pdf = await DescargarAsync(page, page.GetByRole(AriaRole.Link, new() { Name = "Descargar PDF de T-7001" }));
        Assert.Equal(a.PdfSha256, Sha256(pdf.Bytes));
        await Expect(seleccionados).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Checkbox, new() { Name = "Seleccionar T-7001" })).Not.ToBeCheckedAsync();

        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Seleccionar T-7002" }).CheckAsync();
        var uno = page.GetByRole(AriaRole.Button, new() { Name = "Descargar seleccionados (1)" });
        await Expect(uno).ToBeEnabledAsync();
        await Navegador.RevisarAsync(page, "10-portal-telefono-seleccion");
        var zip = await DescargarAsync(page, uno);
        Assert.Equal([$"T7002_{b.Uuid}.pdf", $"T7002_{b.Uuid}.xml"], Entradas(zip.Bytes).Keys.Order());
    }

    [Fact]
    public async Task En_un_telefono_Comprobantes_y_Acceso_a_Descargas_caben_sin_desplazarse_a_lo_ancho()
    {
        await using var app = new AppFactory();
        var page = await navegador.NuevaPaginaTelefonoAsync(app.IniciarServidor());
        await Navegador.IniciarSesionEmisorAsync(page);
        await Navegador.RevisarAsync(page, "10-inicio-telefono");
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Cuenta de usuario" })).ToBeInViewportAsync();

        await page.GotoAsync("/comprobantes");
        await Navegador.EsperarCircuitoAsync(page);
        var fila = page.GetByRole(AriaRole.Row).Nth(1);
        await Expect(fila).ToBeVisibleAsync();
        await Navegador.RevisarAsync(page, "10-comprobantes-telefono");
        // Every action of a row is on screen once the row is: nothing is cut off at the right edge.
        await fila.ScrollIntoViewIfNeededAsync();
        await Expect(fila.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Descargar XML de ") })).ToBeInViewportAsync();
        await Expect(fila.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^Descargar PDF de ") })).ToBeInViewportAsync();
        await Expect(fila.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Enviar por correo ") })).ToBeInViewportAsync();

        await page.GotoAsync("/configuracion/cfdi-comerciales/acceso-descargas");
        await Navegador.EsperarCircuitoAsync(page);
        var acceso = page.GetByRole(AriaRole.Row).Filter(new() { HasText = AppFactory.ReceptorRfc });
        await Expect(acceso).ToBeVisibleAsync();
        await Navegador.RevisarAsync(page, "10-accesos-telefono");
        await acceso.ScrollIntoViewIfNeededAsync();
        await Expect(acceso.GetByRole(AriaRole.Button, new() { Name = $"Enviar contraseña a {AppFactory.ReceptorRfc}" })).ToBeInViewportAsync();
    }

    private static async Task<(string Nombre, byte[] Bytes)> DescargarAsync(IPage page, ILocator enlace)
    {
        var descarga = await page.RunAndWaitForDownloadAsync(() => enlace.ClickAsync());
        await using var flujo = await descarga.CreateReadStreamAsync();
        using var memoria = new MemoryStream();
        await flujo.CopyToAsync(memoria);
        return (descarga.SuggestedFilename, memoria.ToArray());
    }

    private static Dictionary<string, string> Entradas(byte[] zip)
    {
        using var archivo = new System.IO.Compression.ZipArchive(new MemoryStream(zip));
        return archivo.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var s = e.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            return Sha256(m.ToArray());
        });
    }
}
