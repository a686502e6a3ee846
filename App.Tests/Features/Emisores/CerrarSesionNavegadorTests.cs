using System.Net;
using System.Text.RegularExpressions;
using AccesoDescargas.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using static AccesoDescargas.Tests.Features.Portal.Portal;

namespace AccesoDescargas.Tests.Features.Emisores;

[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public class CerrarSesionNavegadorTests(Navegador navegador)
{
    [Fact]
    public async Task Cerrar_sesion_desde_el_menu_termina_la_sesion_y_la_cookie_copiada_deja_de_servir()
    {
        await using var app = new AppFactory();
        var baseUrl = app.IniciarServidor();
        var page = await navegador.NuevaPaginaAsync(baseUrl);
        await Navegador.IniciarSesionEmisorAsync(page);
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == ".AccesoDescargas.Emisor");
        using var copia = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(baseUrl) };
        copia.DefaultRequestHeaders.Add("Cookie", $"{cookie.Name}={cookie.Value}");
        Assert.Equal(HttpStatusCode.OK, (await copia.GetAsync("/", Ct)).StatusCode);

        await page.GetByRole(AriaRole.Button, new() { Name = "Cuenta de usuario" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Cerrar sesión" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login$"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Iniciar sesión" })).ToBeVisibleAsync();
        await Navegador.CapturarAsync(page, "09-personal-sesion-cerrada");
        var r = await copia.GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Contains("/Account/Login", r.Headers.Location!.OriginalString);
    }
}
