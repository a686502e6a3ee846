using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace AccesoDescargas.Tests.Features.Clientes;

[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public class ClientesNavegadorTests(Navegador navegador)
{
    [Fact]
    public async Task El_admin_registra_un_cliente_desde_el_dialogo_y_lo_ve_en_la_lista_con_su_acceso()
    {
        await using var app = new AppFactory();
        var page = await navegador.NuevaPaginaAsync(app.IniciarServidor());
        await Navegador.IniciarSesionEmisorAsync(page);

        await page.GetByRole(AriaRole.Navigation, new() { Name = "Menú principal" }).GetByRole(AriaRole.Link, new() { Name = "Clientes", Exact = true }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Clientes", Level = 1 })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "CARLOS CORTÉS SOTO" })).ToBeVisibleAsync();
        await Navegador.CapturarAsync(page, "clientes-lista");

        await page.GetByRole(AriaRole.Button, new() { Name = "Nuevo cliente" }).ClickAsync();
        var dialogo = page.GetByRole(AriaRole.Dialog, new() { Name = "Nuevo cliente" });
        await Assertions.Expect(dialogo).ToBeVisibleAsync();
        await dialogo.GetByLabel("RFC", new() { Exact = true }).FillAsync("xiqb891116qe5");
        await dialogo.GetByLabel("RFC", new() { Exact = true }).BlurAsync();
        await Assertions.Expect(dialogo.GetByText("El dígito verificador del RFC no coincide")).ToBeVisibleAsync();
        await Assertions.Expect(dialogo.GetByRole(AriaRole.Checkbox, new() { Name = "El RFC es correcto" })).Not.ToBeCheckedAsync();
        await Navegador.CapturarAsync(page, "clientes-dialogo-advertencia");
        await dialogo.GetByLabel("RFC", new() { Exact = true }).FillAsync("xiqb891116qe4");
        await dialogo.GetByLabel("RFC", new() { Exact = true }).BlurAsync();
        await Assertions.Expect(dialogo.GetByRole(AriaRole.Checkbox, new() { Name = "El RFC es correcto" })).ToHaveCountAsync(0);
        await dialogo.GetByLabel("Nombre o razón social").FillAsync("BERENICE XIMO QUEZADA");
        await dialogo.GetByLabel("Correo electrónico (opcional)").FillAsync("berenice@ejemplo.mx");
        await dialogo.GetByLabel("Régimen fiscal (opcional)").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "612 · Personas Físicas con Actividades Empresariales y Profesionales" }).ClickAsync();
        await dialogo.GetByLabel("Código postal (opcional)").FillAsync("06600");
        await Navegador.CapturarAsync(page, "clientes-dialogo-nuevo");
        await dialogo.GetByLabel("Código postal (opcional)").PressAsync("Enter"); // the dialog is a form: Enter saves

        await Assertions.Expect(dialogo).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByText("Cliente registrado.")).ToBeVisibleAsync();
        await page.GetByLabel("Buscar por RFC o nombre").FillAsync("XIQB");
        var fila = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "XIQB891116QE4" });
        await Assertions.Expect(fila).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByRole(AriaRole.Cell, new() { Name = "CARLOS CORTÉS SOTO" })).ToHaveCountAsync(0);
        await Assertions.Expect(fila).ToContainTextAsync("BERENICE XIMO QUEZADA");
        await Assertions.Expect(fila).ToContainTextAsync("Con acceso");
        await Navegador.CapturarAsync(page, "clientes-busqueda");
        await page.GetByLabel("Buscar por RFC o nombre").FillAsync("ZZZ");
        await Assertions.Expect(page.GetByText("Ningún cliente tiene un RFC o nombre que empiece con «ZZZ».")).ToBeVisibleAsync();
        await page.GetByLabel("Buscar por RFC o nombre").FillAsync("XIQB");

        await fila.GetByRole(AriaRole.Button, new() { Name = "Editar cliente XIQB891116QE4" }).ClickAsync();
        var edicion = page.GetByRole(AriaRole.Dialog, new() { Name = "Editar cliente" });
        await Assertions.Expect(edicion.GetByLabel("RFC", new() { Exact = true })).ToHaveValueAsync("XIQB891116QE4");
        await Assertions.Expect(edicion.GetByLabel("RFC", new() { Exact = true })).Not.ToBeEditableAsync();
        await Navegador.CapturarAsync(page, "clientes-dialogo-editar");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(edicion).ToBeHiddenAsync();

        await using var db = app.CrearDb();
        var acceso = await db.Accesos.SingleAsync(a => a.EmisorId == 1 && a.Rfc == "XIQB891116QE4", Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(OrigenAcceso.Automatico, acceso.Origen);
        var evento = await db.Eventos.SingleAsync(e => e.Que == "cliente.creado" && e.Rfc == "XIQB891116QE4", Xunit.TestContext.Current.CancellationToken);
        Assert.Equal((AppFactory.AdminEmail, "127.0.0.1"), (evento.Quien, evento.Ip));
    }
}
