using System.Text.RegularExpressions;
using AccesoDescargas.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static AccesoDescargas.Tests.Features.Fiscal.CfdisFiscales;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Tests.Features.Fiscal;

[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public class SaldosNavegadorTests(Navegador navegador)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task El_receptor_ve_el_saldo_de_cada_factura_filtra_las_pendientes_y_abre_el_detalle_en_el_telefono()
    {
        await using var app = new AppFactory();
        var baseUrl = app.IniciarServidor();
        await ImportarAsync(app, Todos, Ct);
        await using (var db = app.CrearDb())
        {
            var acceso = await db.Accesos.SingleAsync(a => a.Rfc == Receptor, Ct);
            acceso.PasswordHash = app.Services.GetRequiredService<ContrasenaHasher>().Hash("SaldoClave2026");
            await db.SaveChangesAsync(Ct);
        }

        var page = await navegador.NuevaPaginaTelefonoAsync(baseUrl);
        await page.GotoAsync($"/portal/demo/ingresar?rfc={Receptor}");
        await page.GetByLabel("Contraseña").FillAsync("SaldoClave2026");
        await page.GetByRole(AriaRole.Button, new() { Name = "Entrar" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/portal/demo$"));
        await Navegador.EsperarCircuitoAsync(page);
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Totales del filtro" })).ToContainTextAsync("Saldo pendiente: $3,000.00");

        await page.GetByRole(AriaRole.Switch, new() { Name = "Con saldo pendiente" }).Or(page.GetByLabel("Con saldo pendiente")).First.CheckAsync();
        await Expect(page.GetByTestId("total-comprobantes")).ToHaveTextAsync("1 comprobante");
        var fila = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "F-501" });
        await Expect(fila).ToContainTextAsync("Pagada parcialmente (saldo $3,000.00 de $11,600.00)");
        await Expect(page.GetByRole(AriaRole.Region, new() { Name = "Totales del filtro" })).ToContainTextAsync("Facturado: $11,600.00");
        await Navegador.RevisarEnAmbosTamanosAsync(page, "11-portal-saldos");

        await fila.GetByRole(AriaRole.Button, new() { Name = "Ver detalle de F-501" }).ClickAsync();
        var dialogo = page.GetByRole(AriaRole.Dialog);
        var pagos = dialogo.GetByRole(AriaRole.List, new() { Name = "Pagos recibidos" });
        await Expect(pagos).ToContainTextAsync("parcialidad 1");
        await Expect(pagos).ToContainTextAsync("parcialidad 2");
        await Expect(dialogo.GetByRole(AriaRole.List, new() { Name = "Notas de crédito" })).ToContainTextAsync("NC-12");
        await Expect(dialogo.GetByRole(AriaRole.Link, new() { Name = "Descargar XML de NC-12" })).ToHaveAttributeAsync("href", new Regex($"comprobantes/{Nota}/xml$"));
        await Navegador.RevisarEnAmbosTamanosAsync(page, "11-portal-detalle", dialogo);
    }
}
