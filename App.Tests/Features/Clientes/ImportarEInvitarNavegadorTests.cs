using System.Text.RegularExpressions;
using AccesoDescargas.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AccesoDescargas.Tests.Features.Clientes;

/// <summary>Onboarding in the browser: import clientes from a file, invite one, and the receptor accepts the invitation.</summary>
[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public partial class ImportarEInvitarNavegadorTests(Navegador navegador)
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private const string Archivo = """
        RFC,Nombre,Correo electrónico,Régimen fiscal,Código postal
        XIQB891116QE4,BERENICE XIMO QUEZADA,berenice@ejemplo.mx,612,06600
        AAA010101AAA,ABARROTES ACME SA DE CV,compras@acme.ejemplo.mx,601,
        XAXX010101000,PUBLICO EN GENERAL,,,
        GODE561231GR8,EMILIO GOMEZ DIAZ,no-es-correo,,
        XIQB891116QE4,BERENICE REPETIDA,,,
        SORC591116FJ6,RAUL SOLIS ORTEGA,raul@ejemplo.mx,,
        """;

    [Fact]
    public async Task El_admin_importa_clientes_revisa_la_vista_previa_invita_a_uno_y_el_receptor_elige_su_contrasena()
    {
        await using var smtp = await ServidorSmtp.IniciarNuevoAsync();
        await using var app = new AppFactory(smtp.Ajustes);
        var baseUrl = app.IniciarServidor();
        var page = await navegador.NuevaPaginaAsync(baseUrl);
        await Navegador.IniciarSesionEmisorAsync(page);
        await page.GotoAsync("/clientes");
        await Navegador.EsperarCircuitoAsync(page);

        var ruta = Path.Combine(app.DataDir, "clientes.csv");
        await File.WriteAllTextAsync(ruta, Archivo, Ct);
        await page.GetByRole(AriaRole.Button, new() { Name = "Importar clientes" }).ClickAsync();
        var dialogo = page.GetByRole(AriaRole.Dialog, new() { Name = "Importar clientes" });
        await Expect(dialogo.GetByRole(AriaRole.Link, new() { Name = "Descargar plantilla .xlsx" })).ToBeVisibleAsync();
        await Expect(dialogo.GetByRole(AriaRole.Checkbox, new() { Name = "Completar los datos vacíos de los clientes que ya existen" })).ToBeCheckedAsync();
        await dialogo.Locator("input[type=file]").SetInputFilesAsync(ruta);

        var vista = dialogo.GetByRole(AriaRole.Region, new() { Name = "Vista previa de la importación" });
        await Expect(vista.GetByRole(AriaRole.Heading, new() { Name = "Vista previa: 6 filas" })).ToBeVisibleAsync();
        await Expect(vista).ToContainTextAsync("2 por crear");
        await Expect(vista).ToContainTextAsync("1 por actualizar");
        await Expect(vista).ToContainTextAsync("3 rechazados");
        await Expect(vista.GetByRole(AriaRole.Row).Filter(new() { HasText = "SORC591116FJ6" })).ToContainTextAsync("Actualizar: correo");
        await Expect(vista).ToContainTextAsync("Fila 6 (XIQB891116QE4): Fila duplicada: el RFC XIQB891116QE4 ya aparece en la fila 2.");
        await Expect(vista).ToContainTextAsync("Todavía no se ha guardado nada");
        await Navegador.CapturarAsync(page, "12-importar-vista-previa");
        await using (var db = app.CrearDb())
            Assert.False(await db.Clientes.AnyAsync(c => c.Rfc == "XIQB891116QE4", Ct));

        var descarga = await page.RunAndWaitForDownloadAsync(() => vista.GetByRole(AriaRole.Link, new() { Name = "Descargar las 3 filas rechazadas (.csv)" }).ClickAsync());
        var rechazadas = await File.ReadAllTextAsync((await descarga.PathAsync())!, Ct);
        Assert.Contains("5,\"GODE561231GR8\",\"El correo electrónico «no-es-correo» no es válido.\"", rechazadas);

        await Navegador.RevisarEnAmbosTamanosAsync(page, "12-importar-vista-previa", dialogo);

        await dialogo.GetByRole(AriaRole.Button, new() { Name = "Importar 3 clientes" }).ClickAsync();
        var resultado = dialogo.GetByRole(AriaRole.Region, new() { Name = "Resultado de la importación" });
        await Expect(resultado.GetByRole(AriaRole.Heading, new() { Name = "Importación terminada: 6 filas" })).ToBeVisibleAsync();
        await Expect(resultado).ToContainTextAsync("2 creados");
        await Navegador.CapturarAsync(page, "12-importar-resultado");
        await dialogo.GetByRole(AriaRole.Button, new() { Name = "Cerrar" }).ClickAsync();
        await Expect(page.GetByText("Importación: 2 clientes creados, 1 actualizados")).ToBeVisibleAsync();
        await page.GetByLabel("Buscar por RFC o nombre").FillAsync("XIQB");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = "XIQB891116QE4" })).ToContainTextAsync("Con acceso");

        // Acceso a Descargas: the imported access has no password until the receptor accepts an invitation.
        await page.GotoAsync("/configuracion/cfdi-comerciales/acceso-descargas");
        await Navegador.EsperarCircuitoAsync(page);
        await page.GetByLabel("Buscar por RFC o nombre").FillAsync("XIQB");
        // Wait for the filtered grid before acting on a row: a click on a row that the search is about to
        // render again lands on a stale element and is lost (the dialog then never opens).
        await Expect(page.GetByText("1-1 de 1")).ToBeVisibleAsync(); // the pager of the filtered grid, not of the unfiltered one still loading
        var fila = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "XIQB891116QE4" });
        await Expect(fila).ToContainTextAsync("Sin contraseña");
        await Expect(fila).ToContainTextAsync("Invitación sin enviar");
        await fila.GetByRole(AriaRole.Button, new() { Name = "Enviar contraseña a XIQB891116QE4" }).ClickAsync();
        var enviarContrasena = page.GetByRole(AriaRole.Dialog, new() { Name = "Enviar contraseña" });
        await Expect(enviarContrasena).ToContainTextAsync("Una invitación es más segura");
        await enviarContrasena.GetByRole(AriaRole.Button, new() { Name = "Cancelar" }).ClickAsync();
        await Expect(enviarContrasena).ToBeHiddenAsync();

        await fila.GetByRole(AriaRole.Button, new() { Name = "Enviar invitación a XIQB891116QE4" }).ClickAsync();
        var invitar = page.GetByRole(AriaRole.Dialog, new() { Name = "Enviar invitación" });
        await Expect(invitar.GetByLabel("Correo electrónico")).ToHaveValueAsync("berenice@ejemplo.mx");
        await Expect(invitar).ToContainTextAsync("válido 7 días");
        await Navegador.CapturarAsync(page, "12-enviar-invitacion");
        await invitar.GetByRole(AriaRole.Button, new() { Name = "Enviar invitación" }).ClickAsync();
        await Expect(invitar).ToBeHiddenAsync();
        await Expect(fila).ToContainTextAsync("Invitación enviada");
        await Navegador.CapturarAsync(page, "12-accesos-invitacion-enviada");

        // Invitar a todos: the other imported cliente with email and the demo clientes that never signed in.
        await page.GetByLabel("Buscar por RFC o nombre").FillAsync("");
        await Expect(page.GetByRole(AriaRole.Row).Filter(new() { HasText = AppFactory.ReceptorRfc })).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Button, new() { Name = "Invitar a todos los que tienen correo y no han entrado" }).ClickAsync();
        var confirmar = page.GetByRole(AriaRole.Dialog, new() { Name = "Invitar a todos" });
        await Expect(confirmar).ToContainTextAsync("Se enviará una invitación a 6 accesos");
        await page.SetViewportSizeAsync(360, 780);
        await Navegador.CapturarAsync(page, "12-invitar-a-todos-telefono");
        await page.SetViewportSizeAsync(1366, 860);
        await confirmar.GetByRole(AriaRole.Button, new() { Name = "Enviar 6 invitaciones" }).ClickAsync();
        await Expect(page.GetByText("Se pusieron en la bandeja de salida 6 invitaciones.")).ToBeVisibleAsync();

        // The receptor opens the link from the email, on a phone.
        var correo = await smtp.EsperarCorreoAsync(m => m.To.Mailboxes.Single().Address == "berenice@ejemplo.mx");
        var enlace = EnlaceRegex().Match(correo.TextBody!).Value;
        Assert.StartsWith(baseUrl.TrimEnd('/'), enlace);
        var receptor = await navegador.NuevaPaginaAsync(baseUrl);
        await receptor.SetViewportSizeAsync(360, 780);
        await receptor.GotoAsync(enlace);
        await Expect(receptor.GetByRole(AriaRole.Heading, new() { Name = "Bienvenido al portal de descargas" })).ToBeVisibleAsync();
        await Expect(receptor.GetByText("RFC XIQB891116QE4")).ToBeVisibleAsync();
        await receptor.GetByLabel("Nueva contraseña").FillAsync("corta");
        await receptor.GetByLabel("Confirme la contraseña").FillAsync("corta");
        await receptor.GetByRole(AriaRole.Button, new() { Name = "Guardar contraseña y entrar" }).ClickAsync();
        await Expect(receptor.GetByRole(AriaRole.Alert)).ToContainTextAsync("al menos 8 caracteres");
        await receptor.GetByLabel("Nueva contraseña").FillAsync("ClaveDeBerenice26");
        await receptor.GetByLabel("Confirme la contraseña").FillAsync("ClaveDeBerenice26");
        await Navegador.RevisarEnAmbosTamanosAsync(receptor, "12-invitacion");
        await receptor.GetByRole(AriaRole.Button, new() { Name = "Guardar contraseña y entrar" }).ClickAsync();
        await Expect(receptor).ToHaveURLAsync(new Regex("/portal/demo$"));
        await Expect(receptor.GetByRole(AriaRole.Heading, new() { Name = "Mis comprobantes" })).ToBeVisibleAsync();

        await receptor.GotoAsync(enlace);
        await Expect(receptor.GetByRole(AriaRole.Alert)).ToContainTextAsync("Este enlace ya se usó");
        await Expect(receptor.GetByRole(AriaRole.Link, new() { Name = "Pedir un enlace nuevo" })).ToBeVisibleAsync();
        await Navegador.CapturarAsync(receptor, "12-invitacion-usada-telefono");
        await receptor.SetViewportSizeAsync(1366, 860);
        await Navegador.CapturarAsync(receptor, "12-invitacion-usada");

        await page.ReloadAsync();
        await Navegador.EsperarCircuitoAsync(page);
        await page.GetByLabel("Buscar por RFC o nombre").FillAsync("XIQB");
        await Expect(page.GetByText("1-1 de 1")).ToBeVisibleAsync();
        await Expect(fila).ToContainTextAsync("Invitación aceptada");
        await Expect(fila).Not.ToContainTextAsync("Sin contraseña");
        await Navegador.CapturarAsync(page, "12-accesos-invitacion-aceptada");
        await page.SetViewportSizeAsync(360, 780);
        await Navegador.CapturarAsync(page, "12-accesos-telefono");
    }

    [GeneratedRegex(@"http://\S+/portal/demo/invitacion/\S+")]
    private static partial Regex EnlaceRegex();
}
