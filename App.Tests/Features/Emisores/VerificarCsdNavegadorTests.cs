using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AccesoDescargas.Tests.Features.Emisores;

[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public class VerificarCsdNavegadorTests(Navegador navegador)
{
    [Fact]
    public async Task El_personal_de_un_emisor_sin_verificar_sube_su_csd_ve_el_motivo_de_un_rechazo_y_queda_verificado()
    {
        using var csds = new Csds();
        await using var app = new AppFactory(csds.Ajustes);
        var baseUrl = app.IniciarServidor();
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<RegistroService>()
                .RegistrarAsync("AAA010101AAA", "OTRA EMPRESA SA DE CV", "admin@otra.mx", "OtraEmpresa2026", iniciarSesion: false);
        var (cer, key) = csds.Emitir("AAA010101AAA");
        var page = await navegador.NuevaPaginaAsync(baseUrl);

        await Navegador.IniciarSesionEmisorAsync(page, "admin@otra.mx", "OtraEmpresa2026");
        await Expect(page.GetByTestId("aviso-sin-verificar")).ToContainTextAsync("Su RFC aún no está verificado");
        await page.GetByRole(AriaRole.Link, new() { Name = "Verifíquelo con su certificado de sello digital (CSD)" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Verificar RFC" })).ToBeVisibleAsync();
        await Navegador.EsperarCircuitoAsync(page);

        await Navegador.ElegirArchivoAsync(page.Locator("input[type=file][accept='.cer']"), new FilePayload { Name = "00001000000500003456.cer", MimeType = "application/pkix-cert", Buffer = cer });
        await Navegador.ElegirArchivoAsync(page.Locator("input[type=file][accept='.key']"), new FilePayload { Name = "CSD_Matriz.key", MimeType = "application/octet-stream", Buffer = key });
        await Expect(page.GetByTestId("archivo-cer")).ToHaveTextAsync("00001000000500003456.cer");
        await Expect(page.GetByTestId("archivo-key")).ToHaveTextAsync("CSD_Matriz.key");
        await page.GetByLabel("Contraseña de la llave privada").FillAsync("equivocada");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verificar" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync(VerificadorCsd.MensajeLlaveNoValida);
        await Navegador.CapturarAsync(page, "csd-rechazo");
        await Navegador.SinViolacionesAxeAsync(page, "Verificar RFC con un rechazo");

        await page.GetByLabel("Contraseña de la llave privada").FillAsync(Csds.Contrasena);
        await page.GetByRole(AriaRole.Button, new() { Name = "Verificar" }).ClickAsync();
        await Expect(page.GetByTestId("estado-csd")).ToContainTextAsync($"RFC AAA010101AAA verificado con el certificado de sello digital núm. {Csds.NoCertificado}");
        await Expect(page.GetByTestId("aviso-sin-verificar")).ToHaveCountAsync(0);
        await page.SetViewportSizeAsync(360, 800);
        await Navegador.CapturarAsync(page, "csd-verificado-360");
        await Navegador.SinScrollHorizontalAsync(page, "Verificar RFC a 360 px");
    }
}
