using System.Text.RegularExpressions;
using AccesoDescargas.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AccesoDescargas.Tests.Components;

/// <summary>
/// Issue 10: every page and dialog, both roles, at 1366×768 and 390×844: axe-core finds nothing serious or critical,
/// the page never scrolls sideways, and a screenshot of each is saved to look at.
/// </summary>
[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public class AccesibilidadNavegadorTests(Navegador navegador)
{
    [Fact]
    public async Task Cada_pagina_y_dialogo_del_personal_pasa_axe_y_no_se_desplaza_a_lo_ancho()
    {
        await using var app = new AppFactory();
        var page = await navegador.NuevaPaginaAsync(app.IniciarServidor(), Navegador.Escritorio);

        await page.GotoAsync("/Account/Login");
        await Navegador.RevisarEnAmbosTamanosAsync(page, "a11y-iniciar-sesion");
        await page.GotoAsync("/Account/Register");
        await Navegador.RevisarEnAmbosTamanosAsync(page, "a11y-registro");

        await Navegador.IniciarSesionEmisorAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Inicio", Level = 1 })).ToBeVisibleAsync();
        await Navegador.RevisarEnAmbosTamanosAsync(page, "a11y-inicio");

        await IrAsync(page, "/clientes", "Clientes");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = AppFactory.ReceptorRfc })).ToBeVisibleAsync();
        await Navegador.RevisarEnAmbosTamanosAsync(page, "a11y-clientes");
        await DialogoAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Nuevo cliente" }), "a11y-clientes-nuevo");
        await DialogoAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Importar clientes" }), "a11y-clientes-importar");
        await DialogoAsync(page, page.GetByRole(AriaRole.Button, new() { Name = $"Editar cliente {AppFactory.ReceptorRfc}" }), "a11y-clientes-editar");
        await DialogoConErroresAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Nuevo cliente" }), "RFC", "a11y-clientes-nuevo-errores");

        await IrAsync(page, "/comprobantes", "Comprobantes");
        await Expect(page.GetByRole(AriaRole.Row).Nth(1)).ToBeVisibleAsync();
        await Navegador.RevisarEnAmbosTamanosAsync(page, "a11y-comprobantes");
        await DialogoAsync(page, page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Enviar por correo ") }).First, "a11y-comprobantes-enviar");
        await DialogoConErroresAsync(page, page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Enviar por correo ") }).First, "Correo electrónico", "a11y-comprobantes-enviar-errores");
        await DialogoAsync(page, page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Ver detalle de ") }).First, "a11y-comprobantes-detalle");
        await DialogoAsync(page, page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Marcar como cancelado ") }).First, "a11y-comprobantes-marcar-cancelado");

        await IrAsync(page, "/configuracion/cfdi-comerciales/acceso-descargas", "Acceso a Descargas");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = AppFactory.ReceptorRfc })).ToBeVisibleAsync();
        await Navegador.RevisarEnAmbosTamanosAsync(page, "a11y-accesos");
        await DialogoAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Crear acceso para Clientes" }), "a11y-accesos-crear");
        await DialogoAsync(page, page.GetByRole(AriaRole.Button, new() { Name = $"Editar contraseña de {AppFactory.ReceptorRfc}" }), "a11y-accesos-editar");
        await DialogoAsync(page, page.GetByRole(AriaRole.Button, new() { Name = $"Enviar contraseña a {AppFactory.ReceptorRfc}" }), "a11y-accesos-enviar");
        await DialogoAsync(page, page.GetByRole(AriaRole.Button, new() { Name = $"Enviar invitación a {AppFactory.ReceptorRfc}" }), "a11y-accesos-invitar");
        await DialogoAsync(page, page.GetByRole(AriaRole.Button, new() { Name = $"Ver actividad de {AppFactory.ReceptorRfc}" }), "a11y-accesos-actividad");
        await DialogoAsync(page, page.GetByRole(AriaRole.Button, new() { Name = $"Deshabilitar el acceso de {AppFactory.ReceptorRfc}" }), "a11y-accesos-deshabilitar");
        await DialogoAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Invitar a todos los que tienen correo y no han entrado" }), "a11y-accesos-invitar-todos");
        await DialogoConErroresAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Crear acceso para Clientes" }), "RFC", "a11y-accesos-crear-errores");
        await DialogoConErroresAsync(page, page.GetByRole(AriaRole.Button, new() { Name = $"Editar contraseña de {AppFactory.ReceptorRfc}" }), "Nueva contraseña", "a11y-accesos-editar-errores");
        await DialogoConErroresAsync(page, page.GetByRole(AriaRole.Button, new() { Name = $"Enviar invitación a {AppFactory.ReceptorRfc}" }), "Correo electrónico", "a11y-accesos-invitar-errores");

        await IrAsync(page, "/correos", "Correos enviados");
        await Navegador.RevisarEnAmbosTamanosAsync(page, "a11y-correos");

        await IrAsync(page, "/configuracion/api-keys", "Claves de API");
        await Navegador.RevisarEnAmbosTamanosAsync(page, "a11y-claves-api");
        await DialogoAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Crear clave de API" }), "a11y-claves-api-crear");
        await DialogoConErroresAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Crear clave de API" }), "Nombre", "a11y-claves-api-crear-errores");
        // The created key, shown once, and the confirmation before revoking it.
        await page.GetByRole(AriaRole.Button, new() { Name = "Crear clave de API" }).ClickAsync();
        var dialogo = page.GetByRole(AriaRole.Dialog);
        await dialogo.GetByLabel("Nombre", new() { Exact = true }).FillAsync("Revisión de accesibilidad");
        await dialogo.GetByLabel("Nombre", new() { Exact = true }).PressAsync("Enter");
        await Expect(dialogo.GetByText("Copie la clave ahora", new() { Exact = false })).ToBeVisibleAsync();
        await Navegador.RevisarEnAmbosTamanosAsync(page, "a11y-claves-api-creada", dialogo);
        await dialogo.GetByRole(AriaRole.Button, new() { Name = "Listo" }).ClickAsync();
        await Expect(dialogo).ToBeHiddenAsync();
        await DialogoAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Revocar la clave Revisión de accesibilidad" }), "a11y-claves-api-revocar");
    }

    [Fact]
    public async Task Cada_pagina_del_portal_pasa_axe_y_no_se_desplaza_a_lo_ancho()
    {
        await using var app = new AppFactory();
        var page = await navegador.NuevaPaginaTelefonoAsync(app.IniciarServidor());

        await page.GotoAsync($"/portal/demo/ingresar?rfc={AppFactory.ReceptorRfc}");
        await Navegador.RevisarEnAmbosTamanosAsync(page, "a11y-portal-ingresar");
        await page.GetByRole(AriaRole.Link, new() { Name = "¿Olvidó su contraseña?" }).ClickAsync();
        await Expect(page.GetByLabel("Correo electrónico registrado")).ToBeVisibleAsync();
        await Navegador.RevisarEnAmbosTamanosAsync(page, "a11y-portal-recuperar");
        await page.GotoAsync("/portal/demo/invitacion/enlace-que-no-existe");
        await Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Este enlace no es válido");
        await Navegador.RevisarEnAmbosTamanosAsync(page, "a11y-portal-invitacion-no-valida");

        await page.GotoAsync($"/portal/demo/ingresar?rfc={AppFactory.ReceptorRfc}");
        await page.GetByLabel("Contraseña").FillAsync(AppFactory.ReceptorPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Entrar" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/portal/demo$"));
        await Navegador.EsperarCircuitoAsync(page);
        await Expect(page.GetByTestId("total-comprobantes")).ToContainTextAsync("comprobantes");
        await Navegador.RevisarEnAmbosTamanosAsync(page, "a11y-portal-comprobantes");
        await DialogoAsync(page, page.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Ver detalle de ") }).First, "a11y-portal-detalle");

        await page.GotoAsync("/portal/demo/contrasena");
        await Navegador.RevisarEnAmbosTamanosAsync(page, "a11y-portal-contrasena");
    }

    private static async Task IrAsync(IPage page, string ruta, string titulo)
    {
        await page.GotoAsync(ruta);
        await Navegador.EsperarCircuitoAsync(page);
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = titulo, Level = 1 })).ToBeVisibleAsync();
    }

    /// <summary>
    /// The same with its field errors on screen (the error red must keep its contrast): the field is emptied and Enter
    /// pressed in it, which submits the form and shows every field's message.
    /// </summary>
    private static async Task DialogoConErroresAsync(IPage page, ILocator abridor, string campo, string nombre)
    {
        await abridor.ClickAsync();
        var dialogo = page.GetByRole(AriaRole.Dialog);
        await Expect(dialogo.GetByRole(AriaRole.Progressbar)).ToHaveCountAsync(0);
        var entrada = dialogo.GetByLabel(campo, new() { Exact = true });
        await entrada.FillAsync("");
        await entrada.PressAsync("Enter");
        await Expect(entrada).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(dialogo).ToBeVisibleAsync();
        await Navegador.RevisarEnAmbosTamanosAsync(page, nombre, dialogo);
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialogo).ToBeHiddenAsync();
    }

    /// <summary>Opens a dialog, checks it at both sizes (axe inside the dialog), and closes it with Escape.</summary>
    private static async Task DialogoAsync(IPage page, ILocator abridor, string nombre)
    {
        await abridor.ClickAsync();
        var dialogo = page.GetByRole(AriaRole.Dialog);
        await Expect(dialogo).ToBeVisibleAsync();
        await Expect(dialogo.GetByRole(AriaRole.Progressbar)).ToHaveCountAsync(0);
        await Navegador.RevisarEnAmbosTamanosAsync(page, nombre, dialogo);
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialogo).ToBeHiddenAsync();
    }
}
