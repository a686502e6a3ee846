using AccesoDescargas.Features.Portal;
using Microsoft.Extensions.Configuration;
using AccesoDescargas.Receptores;

namespace AccesoDescargas.Tests.Features.Portal;

[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public class UrlPublicaTests
{
    private static UrlPublica Con(string? valor) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["UrlPublica"] = valor }).Build());

    [Fact]
    public void Los_enlaces_de_los_correos_usan_la_url_publica_configurada_y_no_el_host_de_la_solicitud()
    {
        var enlace = EnlacesPortal.Ingreso(Con("https://descargas.example.mx").Base("http://atacante.test/"), "demo", "A&A050908GT0");
        Assert.Equal("https://descargas.example.mx/portal/demo/ingresar?rfc=A%26A050908GT0", enlace);
    }

    [Fact]
    public void Sin_url_publica_los_enlaces_siguen_a_la_solicitud()
    {
        Assert.Equal("http://localhost:5080/", Con("").Base("http://localhost:5080/"));
    }
}
