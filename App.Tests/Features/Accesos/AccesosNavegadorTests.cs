using AccesoDescargas.Tests.Infrastructure;
using Microsoft.Playwright;

namespace AccesoDescargas.Tests.Features.Accesos;

public class AccesosNavegadorTests(Navegador navegador)
{
    [Fact]
    public async Task El_admin_demo_inicia_sesion_y_llega_a_acceso_a_descargas_desde_el_menu()
    {
        await using var app = new AppFactory();
        var page = await navegador.NuevaPaginaAsync(app.IniciarServidor());

        await Navegador.IniciarSesionEmisorAsync(page);
        await Assertions.Expect(page.GetByText("ESCUELA KEMPER URGATE SA DE CV").First).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Acceso a Descargas" }).ClickAsync();

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/configuracion/cfdi-comerciales/acceso-descargas$"));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Acceso a Descargas", Level = 1 })).ToBeVisibleAsync();
        await Navegador.CapturarAsync(page, "02-acceso-descargas");
    }
}
