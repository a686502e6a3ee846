using AccesoDescargas.Features.Correos;
using AccesoDescargas.Infrastructure.Email;
using AccesoDescargas.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AccesoDescargas.Tests.Features.Correos;

[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public class CorreosNavegadorTests(Navegador navegador)
{
    [Fact]
    public async Task Un_correo_fallido_se_ve_en_correos_enviados_y_se_reintenta_hasta_entregarse()
    {
        await using var servidor = ServidorSmtp.Reservar();
        await using var app = new AppFactory(new(servidor.Ajustes) { ["Outbox:IntentosMaximos"] = "1" });
        var page = await navegador.NuevaPaginaAsync(app.IniciarServidor());
        long id;
        await using (var db = app.CrearDb())
        {
            var outbox = app.Services.GetRequiredService<Outbox>();
            var correo = outbox.Encolar(db, new CorreoNuevo(1, "carlos.cortes@ejemplo.mx", "Su contraseña del portal de descargas",
                "<p>Contraseña: Secreta2026x</p>", "Contraseña: Secreta2026x", "contrasena", Rfc: "COSC8001137NA"));
            await db.SaveChangesAsync(Xunit.TestContext.Current.CancellationToken);
            id = correo.Id;
            outbox.Despertar();
        }

        await EsperarEstadoAsync(app, id, EstadoCorreo.Fallido);

        await Navegador.IniciarSesionEmisorAsync(page);
        await page.GetByRole(AriaRole.Link, new() { Name = "Correos enviados" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Correos enviados", Level = 1 })).ToBeVisibleAsync();
        var fila = page.GetByRole(AriaRole.Row).Filter(new() { HasText = "carlos.cortes@ejemplo.mx" });
        var reintentar = fila.GetByRole(AriaRole.Button, new() { Name = "Reintentar el correo a carlos.cortes@ejemplo.mx" });
        await Assertions.Expect(reintentar).ToBeVisibleAsync();
        await Assertions.Expect(fila).ToContainTextAsync("Fallido");
        await Assertions.Expect(fila).ToContainTextAsync("1 intento fallido");
        await Assertions.Expect(fila).ToContainTextAsync("Contraseña");
        await Assertions.Expect(page.GetByText("Secreta2026x")).ToHaveCountAsync(0);
        await Navegador.CapturarAsync(page, "correos-fallido");

        await servidor.IniciarAsync();
        await reintentar.ClickAsync();
        await servidor.EsperarCorreoAsync(m => m.Subject == "Su contraseña del portal de descargas");
        await EsperarEstadoAsync(app, id, EstadoCorreo.Enviado);
        await page.GetByRole(AriaRole.Button, new() { Name = "Actualizar" }).ClickAsync();
        await Assertions.Expect(fila).ToContainTextAsync("Enviado");
        await Assertions.Expect(reintentar).ToHaveCountAsync(0);
        await Navegador.CapturarAsync(page, "correos-enviado");

        Assert.Single(servidor.Recibidos);
    }

    private static async Task EsperarEstadoAsync(AppFactory app, long id, EstadoCorreo estado)
    {
        var limite = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using (var db = app.CrearDb())
                if (await db.Correos.AnyAsync(c => c.Id == id && c.Estado == estado, Xunit.TestContext.Current.CancellationToken)) return;
            Assert.True(DateTime.UtcNow < limite, $"El correo {id} no llegó al estado {estado}.");
            await Task.Delay(50, Xunit.TestContext.Current.CancellationToken);
        }
    }
}
