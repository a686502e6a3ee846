using System.Text.RegularExpressions;
using AccesoDescargas.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Tests.Features.Accesos;

[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public class AccesosNavegadorTests(Navegador navegador)
{
    [Fact]
    public async Task El_admin_demo_inicia_sesion_y_llega_a_acceso_a_descargas_desde_el_menu()
    {
        await using var app = new AppFactory();
        var page = await navegador.NuevaPaginaAsync(app.IniciarServidor());

        await page.GotoAsync("/configuracion/cfdi-comerciales/acceso-descargas");
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        await page.GetByLabel("Correo electrónico").FillAsync(AppFactory.AdminEmail);
        await page.GetByLabel("Contraseña").FillAsync("equivocada");
        await page.GetByRole(AriaRole.Button, new() { Name = "Entrar" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Correo o contraseña incorrectos.");
        await Navegador.CapturarAsync(page, "01-iniciar-sesion-error");

        await Navegador.IniciarSesionEmisorAsync(page);
        await Expect(page.GetByText("ESCUELA KEMPER URGATE SA DE CV").First).ToBeVisibleAsync();
        await Navegador.CapturarAsync(page, "02-inicio");
        await page.GetByRole(AriaRole.Link, new() { Name = "Acceso a Descargas" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/configuracion/cfdi-comerciales/acceso-descargas$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Acceso a Descargas", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "COSC8001137NA" })).ToContainTextAsync("CARLOS CORTÉS SOTO");
        await Navegador.CapturarAsync(page, "03-acceso-descargas-grid");
    }

    [Fact]
    public async Task Crear_un_acceso_editar_su_contrasena_y_enviarla_llega_al_servidor_de_correo()
    {
        await using var smtp = await ServidorSmtp.IniciarNuevoAsync();
        var ajustes = smtp.Ajustes;
        ajustes["Outbox:IntentosMaximos"] = "1000"; // keeps retrying through the outage below, however slow the machine
        await using var app = new AppFactory(ajustes);
        var page = await navegador.NuevaPaginaAsync(app.IniciarServidor());
        await Navegador.IniciarSesionEmisorAsync(page);
        await page.GotoAsync("/configuracion/cfdi-comerciales/acceso-descargas");
        await Navegador.EsperarCircuitoAsync(page);

        // Crear acceso para Clientes
        await page.GetByRole(AriaRole.Button, new() { Name = "Crear acceso para Clientes" }).ClickAsync();
        var dialogo = page.GetByRole(AriaRole.Dialog);
        await dialogo.GetByLabel("RFC", new() { Exact = true }).FillAsync("xiqb891116qe4");
        await dialogo.GetByRole(AriaRole.Button, new() { Name = "Generar" }).ClickAsync();
        await dialogo.GetByLabel("Correo electrónico (opcional)").FillAsync("xiomara@cliente.mx");
        await Navegador.CapturarAsync(page, "03-dialogo-crear-acceso");
        await dialogo.GetByRole(AriaRole.Button, new() { Name = "Crear acceso" }).ClickAsync();
        await Expect(dialogo).ToBeHiddenAsync();
        var fila = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "XIQB891116QE4" });
        await Expect(fila).ToBeVisibleAsync();
        await Expect(fila).ToContainTextAsync("Manual");

        // Editar contraseña
        await fila.GetByRole(AriaRole.Button, new() { Name = "Editar contraseña de XIQB891116QE4" }).ClickAsync();
        await Expect(dialogo.GetByTestId("rfc-receptor")).ToHaveTextAsync("XIQB891116QE4");
        await dialogo.GetByLabel("Nueva contraseña", new() { Exact = true }).FillAsync("corta");
        await dialogo.GetByLabel("Confirmar contraseña", new() { Exact = true }).FillAsync("corta");
        await dialogo.GetByRole(AriaRole.Button, new() { Name = "Guardar" }).ClickAsync();
        await Expect(dialogo.GetByText("La contraseña debe tener al menos 8 caracteres.").First).ToBeVisibleAsync();
        await dialogo.GetByLabel("Nueva contraseña", new() { Exact = true }).FillAsync("ClaveNueva2026");
        await dialogo.GetByLabel("Confirmar contraseña", new() { Exact = true }).FillAsync("ClaveNueva2026");
        await Navegador.CapturarAsync(page, "03-dialogo-editar-contrasena");
        await dialogo.GetByRole(AriaRole.Button, new() { Name = "Guardar" }).ClickAsync();
        await Expect(dialogo).ToBeHiddenAsync();
        await using (var db = app.CrearDb())
        {
            var hash = await db.Accesos.Where(a => a.Rfc == "XIQB891116QE4").Select(a => a.PasswordHash).SingleAsync(Xunit.TestContext.Current.CancellationToken);
            Assert.Equal(VerificacionContrasena.Correcta, app.Services.GetRequiredService<ContrasenaHasher>().Verificar(hash, "ClaveNueva2026"));
        }

        // Enviar contraseña: a list of addresses is refused, one address goes out
        await fila.GetByRole(AriaRole.Button, new() { Name = "Enviar contraseña a XIQB891116QE4" }).ClickAsync();
        await Expect(dialogo.GetByText("Se generará una nueva contraseña; la anterior dejará de funcionar.", new() { Exact = false })).ToBeVisibleAsync();
        var correo = dialogo.GetByLabel("Correo electrónico", new() { Exact = true });
        await Expect(correo).ToHaveValueAsync("xiomara@cliente.mx");
        await correo.FillAsync("a@x.mx, b@y.mx");
        await dialogo.GetByRole(AriaRole.Button, new() { Name = "Enviar contraseña" }).ClickAsync();
        await Expect(dialogo.GetByText("Sólo puede enviarse un correo a la vez.").First).ToBeVisibleAsync();
        await correo.FillAsync("xiomara@cliente.mx");
        await Navegador.CapturarAsync(page, "03-dialogo-enviar-contrasena");
        await smtp.DetenerAsync(); // the mail server is down when the password goes out
        await dialogo.GetByRole(AriaRole.Button, new() { Name = "Enviar contraseña" }).ClickAsync();
        await Expect(dialogo).ToBeHiddenAsync();
        await Expect(fila).ToContainTextAsync("Pendiente");
        await Navegador.CapturarAsync(page, "03-acceso-descargas-pendiente");

        // The outbox retries; once the server is back the row turns to Entregado without reloading the page.
        await smtp.IniciarAsync();
        var mensaje = await smtp.EsperarCorreoAsync(m => m.To.Mailboxes.Any(b => b.Address == "xiomara@cliente.mx"));
        Assert.Contains("XIQB891116QE4", mensaje.TextBody);
        Assert.Contains("/portal/demo/ingresar?rfc=XIQB891116QE4", mensaje.TextBody);
        await Expect(fila).ToContainTextAsync("Entregado");
        await Navegador.CapturarAsync(page, "03-acceso-descargas-enviado");

        // Its portal activity, closed from the keyboard
        await fila.GetByRole(AriaRole.Button, new() { Name = "Ver actividad de XIQB891116QE4" }).ClickAsync();
        await Expect(dialogo.GetByTestId("ultimo-acceso")).ToHaveTextAsync("Nunca ha entrado");
        await Navegador.CapturarAsync(page, "03-dialogo-actividad");
        await page.Keyboard.PressAsync("Escape");
        await Expect(dialogo).ToBeHiddenAsync();
    }
}
