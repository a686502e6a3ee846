using Microsoft.Extensions.Configuration;
using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AccesoDescargas.Tests.Infrastructure;

public class StartupTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/clientes")]
    [InlineData("/comprobantes")]
    [InlineData("/configuracion/cfdi-comerciales/acceso-descargas")]
    [InlineData("/correos")]
    public async Task Una_pagina_del_emisor_sin_sesion_redirige_a_iniciar_sesion(string ruta)
    {
        await using var app = new AppFactory();
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        var respuesta = await client.GetAsync(ruta, Xunit.TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, respuesta.StatusCode);
        Assert.StartsWith("/Account/Login", respuesta.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task La_pagina_de_inicio_de_sesion_esta_en_espanol()
    {
        await using var app = new AppFactory();
        var html = await app.CreateClient().GetStringAsync("/Account/Login", Xunit.TestContext.Current.CancellationToken);

        Assert.Contains("Iniciar sesión", html);
        Assert.Contains("lang=\"es-MX\"", html);
    }

    [Fact]
    [Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // no database
    public void Una_carpeta_de_datos_que_no_se_puede_escribir_da_un_mensaje_que_la_nombra()
    {
        var archivo = Path.GetTempFileName(); // a file where a folder is expected: the folder cannot be created
        try
        {
            var carpeta = Path.Combine(archivo, "datos");
            var config = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["DataDirectory"] = carpeta }).Build();

            var error = Assert.Throws<AccesoDescargas.Infrastructure.DataDirectoryException>(() => (object)
                AccesoDescargas.Infrastructure.DataDirectory.Prepare(config, "/"));

            Assert.Contains(carpeta, error.Message);
            Assert.Contains("No se puede escribir en la carpeta de datos", error.Message);
        }
        finally { File.Delete(archivo); }
    }
}
