using System.IO.Compression;
using System.Text.RegularExpressions;
using AccesoDescargas.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static AccesoDescargas.Tests.Features.Portal.Portal;

namespace AccesoDescargas.Tests.Features.Portal;

[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public partial class PortalNavegadorTests(Navegador navegador)
{
    [Fact]
    public async Task El_emisor_envia_la_contrasena_y_el_receptor_entra_con_el_correo_filtra_descarga_cambia_su_contrasena_y_sale()
    {
        await using var smtp = await ServidorSmtp.IniciarNuevoAsync();
        await using var app = new AppFactory(smtp.Ajustes);
        var baseUrl = app.IniciarServidor();
        const string rfc = AppFactory.ReceptorRfc;
        var hoy = AccesoDescargas.Components.UiExtensions.AHoraMexico(DateTime.UtcNow).Date.AddHours(9); // "Este mes" is Mexico's month
        var conPdf = await AgregarComprobanteAsync(app, rfc, serie: "J", folio: "5001", pdf: PdfDePrueba(80_000), fecha: hoy);
        var soloXml = await AgregarComprobanteAsync(app, rfc, serie: "J", folio: "5002", fecha: hoy.AddMinutes(5), tipo: "E");
        var cancelado = await AgregarComprobanteAsync(app, rfc, serie: "J", folio: "4999", fecha: new DateTime(hoy.Year, hoy.Month, 1).AddDays(-3));
        await using (var cambio = app.CrearDb())
            await cambio.Comprobantes.Where(c => c.Id == cancelado.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Estado, AccesoDescargas.Features.Comprobantes.EstadoComprobante.Cancelado), Ct);

        // The issuer sends a new password to the receptor.
        var emisor = await navegador.NuevaPaginaAsync(baseUrl);
        await Navegador.IniciarSesionEmisorAsync(emisor);
        await emisor.GotoAsync("/configuracion/cfdi-comerciales/acceso-descargas");
        await Navegador.EsperarCircuitoAsync(emisor);
        await emisor.GetByRole(AriaRole.Button, new() { Name = $"Enviar contraseña a {rfc}" }).ClickAsync();
        var dialogo = emisor.GetByRole(AriaRole.Dialog);
        await dialogo.GetByLabel("Correo electrónico", new() { Exact = true }).FillAsync("carlos.cortes@ejemplo.mx");
        await dialogo.GetByRole(AriaRole.Button, new() { Name = "Enviar contraseña" }).ClickAsync();
        await Expect(dialogo).ToBeHiddenAsync();
        var correo = await smtp.EsperarCorreoAsync(m => m.To.Mailboxes.Any(b => b.Address == "carlos.cortes@ejemplo.mx"));
        var enlace = EnlaceRegex().Match(correo.TextBody!).Value;
        var contrasena = ContrasenaRegex().Match(correo.TextBody!).Groups[1].Value;
        Assert.StartsWith(baseUrl, enlace);

        // The receptor opens the emailed link and signs in with the emailed password.
        var page = await navegador.NuevaPaginaAsync(baseUrl);
        await page.GotoAsync(enlace);
        await Expect(page.GetByLabel("RFC")).ToHaveValueAsync(rfc);
        await Expect(page.GetByTestId("emisor-nombre")).ToHaveTextAsync("ESCUELA KEMPER URGATE SA DE CV");
        await page.GetByLabel("Contraseña").FillAsync("equivocada");
        await page.GetByRole(AriaRole.Button, new() { Name = "Entrar" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("El RFC o la contraseña no son correctos.");
        await Navegador.CapturarAsync(page, "05-portal-ingresar-error");
        await page.GetByLabel("Contraseña").FillAsync(contrasena);
        await Navegador.CapturarAsync(page, "05-portal-ingresar");
        await page.GetByRole(AriaRole.Button, new() { Name = "Entrar" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/portal/demo$"));
        await Navegador.EsperarCircuitoAsync(page);
        await Expect(page.GetByTestId("total-comprobantes")).ToHaveTextAsync("11 comprobantes");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = soloXml.Uuid })).ToContainTextAsync("Egreso");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = cancelado.Uuid })).ToContainTextAsync("Cancelado");
        await Navegador.CapturarAsync(page, "05-portal-comprobantes");

        // Filters: a quick pick, then a search by folio.
        await page.GetByRole(AriaRole.Button, new() { Name = "Este mes" }).ClickAsync();
        await Expect(page.GetByTestId("total-comprobantes")).ToHaveTextAsync("2 comprobantes");
        await page.GetByLabel("Buscar por UUID o folio").FillAsync("5001");
        await Expect(page.GetByTestId("total-comprobantes")).ToHaveTextAsync("1 comprobante");
        var fila = page.GetByRole(AriaRole.Row).Filter(new() { HasText = conPdf.Uuid });
        await Expect(fila).ToContainTextAsync("J-5001");
        await Expect(fila).ToContainTextAsync("$1,160.00");
        await Expect(fila).ToContainTextAsync("Vigente");
        await Navegador.CapturarAsync(page, "05-portal-filtrado");

        // One XML, one PDF and the filter's ZIP, bytes checked against the store's SHA-256.
        var xml = await DescargarAsync(page, fila.GetByRole(AriaRole.Link, new() { Name = "Descargar XML de J-5001" }));
        Assert.Equal($"J5001_{conPdf.Uuid}.xml", xml.Nombre);
        Assert.Equal(conPdf.XmlSha256, Sha256(xml.Bytes));
        var pdf = await DescargarAsync(page, fila.GetByRole(AriaRole.Link, new() { Name = "Descargar PDF de J-5001" }));
        Assert.Equal($"J5001_{conPdf.Uuid}.pdf", pdf.Nombre);
        Assert.Equal(conPdf.PdfSha256, Sha256(pdf.Bytes));
        var zip = await DescargarAsync(page, page.GetByRole(AriaRole.Link, new() { Name = "Descargar todos los del filtro (ZIP)" }));
        Assert.Equal(new Dictionary<string, string> { [$"J5001_{conPdf.Uuid}.xml"] = conPdf.XmlSha256, [$"J5001_{conPdf.Uuid}.pdf"] = conPdf.PdfSha256! }, Entradas(zip.Bytes));

        // Selection: clear the search, pick one row, download the selection.
        await page.GetByLabel("Buscar por UUID o folio").FillAsync("");
        await Expect(page.GetByTestId("total-comprobantes")).ToHaveTextAsync("2 comprobantes");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Seleccionar J-5002" }).CheckAsync();
        var seleccionados = page.GetByRole(AriaRole.Button, new() { Name = "Descargar seleccionados (1)" });
        await Expect(seleccionados).ToBeEnabledAsync();
        await Navegador.CapturarAsync(page, "05-portal-seleccion");
        var seleccion = await DescargarAsync(page, seleccionados);
        var entradas = Entradas(seleccion.Bytes);
        Assert.Equal([$"J5002_{soloXml.Uuid}.pdf", $"J5002_{soloXml.Uuid}.xml"], entradas.Keys.Order());
        Assert.Equal(soloXml.XmlSha256, entradas[$"J5002_{soloXml.Uuid}.xml"]);

        // Cambiar contraseña, then sign out.
        await page.GetByRole(AriaRole.Link, new() { Name = "Cambiar contraseña" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/portal/demo/contrasena$"));
        await page.GetByLabel("Contraseña actual", new() { Exact = true }).FillAsync(contrasena);
        await page.GetByLabel("Nueva contraseña", new() { Exact = true }).FillAsync("MiClaveDeCarlos26");
        await page.GetByLabel("Confirme la nueva contraseña").FillAsync("MiClaveDeCarlos26");
        await page.GetByRole(AriaRole.Button, new() { Name = "Cambiar contraseña" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Su contraseña se cambió");
        await Navegador.CapturarAsync(page, "05-portal-contrasena-cambiada");
        await page.GetByRole(AriaRole.Link, new() { Name = "Volver a mis comprobantes" }).ClickAsync();
        await Navegador.EsperarCircuitoAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Cerrar sesión" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/portal/demo/ingresar$"));
        await page.GotoAsync("/portal/demo");
        await Expect(page).ToHaveURLAsync(new Regex("/portal/demo/ingresar\\?volverA="));
        await Navegador.CapturarAsync(page, "05-portal-sesion-cerrada");

        // ¿Olvidó su contraseña?: the RFC and the registered email bring a single-use link to choose a new password.
        await page.GotoAsync(enlace);
        await page.GetByRole(AriaRole.Link, new() { Name = "¿Olvidó su contraseña?" }).ClickAsync();
        await Expect(page.GetByLabel("RFC")).ToHaveValueAsync(rfc);
        await page.GetByLabel("Correo electrónico registrado").FillAsync("Carlos.Cortes@ejemplo.mx");
        await Navegador.CapturarAsync(page, "05-portal-recuperar");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enviar enlace" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Si el RFC y el correo coinciden con un acceso registrado");
        await Navegador.CapturarAsync(page, "05-portal-recuperar-enviado");
        var recuperacion = await smtp.EsperarCorreoAsync(m => m.Subject?.StartsWith("Restablecer su contraseña") == true);
        Assert.DoesNotContain("MiClaveDeCarlos26", recuperacion.TextBody);
        var restablecer = RestablecerRegex().Match(recuperacion.TextBody!).Value;
        await page.GotoAsync(restablecer);
        await page.GetByLabel("Nueva contraseña", new() { Exact = true }).FillAsync("OtraClaveDeCarlos26");
        await page.GetByLabel("Confirme la contraseña").FillAsync("OtraClaveDeCarlos26");
        await Navegador.CapturarAsync(page, "05-portal-restablecer");
        await page.GetByRole(AriaRole.Button, new() { Name = "Guardar contraseña y entrar" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/portal/demo$"));
        await page.GotoAsync(restablecer);
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Este enlace ya se usó");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Pedir un enlace nuevo" })).ToBeVisibleAsync();
        await Navegador.CapturarAsync(page, "05-portal-restablecer-usado");

        await using var db = app.CrearDb();
        await EsperarAsync(async () => await db.Accesos.AnyAsync(a => a.Rfc == rfc && a.Descargas == 4, Ct), "cuatro descargas registradas");
    }

    private static async Task<(string Nombre, byte[] Bytes)> DescargarAsync(IPage page, ILocator objetivo)
    {
        var descarga = await page.RunAndWaitForDownloadAsync(() => objetivo.ClickAsync());
        Assert.Null(await descarga.FailureAsync());
        return (descarga.SuggestedFilename, await File.ReadAllBytesAsync((await descarga.PathAsync())!, Ct));
    }

    private static Dictionary<string, string> Entradas(byte[] zip)
    {
        using var archivo = new ZipArchive(new MemoryStream(zip));
        return archivo.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var s = e.Open();
            using var ms = new MemoryStream();
            s.CopyTo(ms);
            return Sha256(ms.ToArray());
        });
    }

    [GeneratedRegex(@"http://\S+/portal/demo/ingresar\?rfc=COSC8001137NA")]
    private static partial Regex EnlaceRegex();

    [GeneratedRegex(@"Contraseña: (\S+)")]
    private static partial Regex ContrasenaRegex();

    [GeneratedRegex(@"http://\S+/portal/demo/restablecer/\S+")]
    private static partial Regex RestablecerRegex();
}
