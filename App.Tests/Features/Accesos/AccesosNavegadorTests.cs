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

    /// <summary>Issue 10: Enter in any field submits; each message shows once, by its field, and goes away when fixed; focus goes to the first field to fix.</summary>
    [Fact]
    public async Task Los_dialogos_de_acceso_se_envian_con_Enter_muestran_cada_error_una_vez_y_enfocan_el_primero()
    {
        await using var app = new AppFactory();
        var page = await navegador.NuevaPaginaAsync(app.IniciarServidor());
        await Navegador.IniciarSesionEmisorAsync(page);
        await page.GotoAsync("/configuracion/cfdi-comerciales/acceso-descargas");
        await Navegador.EsperarCircuitoAsync(page);

        // Crear acceso: Enter in the last field with everything empty shows every message at once and goes back to the RFC.
        await page.GetByRole(AriaRole.Button, new() { Name = "Crear acceso para Clientes" }).ClickAsync();
        var dialogo = page.GetByRole(AriaRole.Dialog, new() { Name = "Crear acceso para Clientes" });
        var rfc = dialogo.GetByLabel("RFC", new() { Exact = true });
        var contrasena = dialogo.GetByLabel("Contraseña", new() { Exact = true });
        var confirmacion = dialogo.GetByLabel("Confirmar contraseña", new() { Exact = true });
        var correo = dialogo.GetByLabel("Correo electrónico (opcional)");
        await Expect(rfc).ToBeFocusedAsync();
        await correo.PressAsync("Enter");
        await UnaVezAsync(dialogo, "Escriba el RFC.");
        await UnaVezAsync(dialogo, "Escriba la contraseña.");
        await UnaVezAsync(dialogo, "Confirme la contraseña.");
        await Expect(rfc).ToBeFocusedAsync();
        await Expect(rfc).ToHaveAttributeAsync("aria-invalid", "true");
        await Navegador.CapturarAsync(page, "10-dialogo-crear-acceso-errores");

        await rfc.FillAsync("xiqb891116qe4");
        await Expect(dialogo.GetByText("Escriba el RFC.")).ToHaveCountAsync(0);
        await correo.FillAsync("xiomara@");
        await UnaVezAsync(dialogo, "El correo electrónico «xiomara@» no es válido.");
        await correo.PressAsync("Enter");
        await Expect(contrasena).ToBeFocusedAsync(); // the first field still to fix, not the RFC any more
        await contrasena.FillAsync("corta");
        await UnaVezAsync(dialogo, "La contraseña debe tener al menos 8 caracteres.");
        await Expect(dialogo.GetByText("Escriba la contraseña.")).ToHaveCountAsync(0);
        await contrasena.FillAsync("ClaveNueva2026");
        await Expect(dialogo.GetByText("La contraseña debe tener al menos 8 caracteres.")).ToHaveCountAsync(0);
        await confirmacion.FillAsync("ClaveNueva2027");
        await UnaVezAsync(dialogo, "La confirmación no coincide con la contraseña.");
        await confirmacion.FillAsync("ClaveNueva2026");
        await Expect(dialogo.GetByText("La confirmación no coincide con la contraseña.")).ToHaveCountAsync(0);
        await correo.FillAsync("xiomara@cliente.mx");
        await Expect(dialogo.GetByText("no es válido", new() { Exact = false })).ToHaveCountAsync(0);
        await Expect(dialogo.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
        await correo.PressAsync("Enter");
        await Expect(dialogo).ToBeHiddenAsync();
        var fila = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "XIQB891116QE4" });
        await Expect(fila).ToBeVisibleAsync();

        // Editar contraseña: Enter in the confirmation saves.
        await fila.GetByRole(AriaRole.Button, new() { Name = "Editar contraseña de XIQB891116QE4" }).ClickAsync();
        dialogo = page.GetByRole(AriaRole.Dialog, new() { Name = "Editar contraseña" });
        var nueva = dialogo.GetByLabel("Nueva contraseña", new() { Exact = true });
        confirmacion = dialogo.GetByLabel("Confirmar contraseña", new() { Exact = true });
        await confirmacion.PressAsync("Enter");
        await UnaVezAsync(dialogo, "Escriba la contraseña.");
        await UnaVezAsync(dialogo, "Confirme la contraseña.");
        await Expect(nueva).ToBeFocusedAsync();
        await nueva.FillAsync("xiqb891116qe4");
        await UnaVezAsync(dialogo, "La contraseña no puede ser el RFC.");
        await nueva.FillAsync("OtraClave2026");
        await confirmacion.FillAsync("OtraClave2026");
        await Expect(dialogo.GetByRole(AriaRole.Alert)).ToHaveCountAsync(0);
        await Expect(dialogo.GetByText("Confirme la contraseña.")).ToHaveCountAsync(0);
        await confirmacion.PressAsync("Enter");
        await Expect(dialogo).ToBeHiddenAsync();
        await using (var db = app.CrearDb())
        {
            var hash = await db.Accesos.Where(a => a.Rfc == "XIQB891116QE4").Select(a => a.PasswordHash).SingleAsync(Xunit.TestContext.Current.CancellationToken);
            Assert.Equal(VerificacionContrasena.Correcta, app.Services.GetRequiredService<ContrasenaHasher>().Verificar(hash, "OtraClave2026"));
        }

        // Enviar invitación: an empty address is refused by its field; Enter with a good one sends.
        await fila.GetByRole(AriaRole.Button, new() { Name = "Enviar invitación a XIQB891116QE4" }).ClickAsync();
        dialogo = page.GetByRole(AriaRole.Dialog, new() { Name = "Enviar invitación" });
        correo = dialogo.GetByLabel("Correo electrónico", new() { Exact = true });
        await Expect(correo).ToHaveValueAsync("xiomara@cliente.mx");
        await correo.FillAsync("");
        await correo.PressAsync("Enter");
        await UnaVezAsync(dialogo, "Escriba el correo electrónico.");
        await Expect(correo).ToBeFocusedAsync();
        await Navegador.CapturarAsync(page, "10-dialogo-invitacion-error");
        await correo.FillAsync("compras@cliente.mx");
        await Expect(dialogo.GetByText("Escriba el correo electrónico.")).ToHaveCountAsync(0);
        await correo.PressAsync("Enter");
        await Expect(dialogo).ToBeHiddenAsync();
        await using (var db = app.CrearDb())
            Assert.True(await db.Correos.AnyAsync(c => c.Para == "compras@cliente.mx", Xunit.TestContext.Current.CancellationToken));
    }

    /// <summary>The message is on screen exactly once (not also in an alert, not twice under the field).</summary>
    internal static async Task UnaVezAsync(ILocator dialogo, string mensaje)
    {
        await Expect(dialogo.GetByText(mensaje, new() { Exact = true })).ToHaveCountAsync(1);
        await Expect(dialogo.GetByText(mensaje, new() { Exact = true })).ToBeVisibleAsync();
    }
}
