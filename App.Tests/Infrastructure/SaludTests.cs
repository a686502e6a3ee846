using System.Net;
using AccesoDescargas.Infrastructure.Storage;

namespace AccesoDescargas.Tests.Infrastructure;

/// <summary>The load balancer's probes.</summary>
public class SaludTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(ProveedorAlmacen.Local)]
    [InlineData(ProveedorAlmacen.S3)]
    public async Task Vivo_y_listo_responden_200_sin_sesion(ProveedorAlmacen almacen)
    {
        await using var app = new AppFactory(almacen: almacen);
        var client = app.CreateClient();

        var vivo = await client.GetAsync("/health/live", Ct);
        var listo = await client.GetAsync("/health/ready", Ct);

        Assert.Equal(HttpStatusCode.OK, vivo.StatusCode);
        Assert.Equal(HttpStatusCode.OK, listo.StatusCode);
        Assert.Equal("Healthy", await listo.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Sin_su_bucket_la_instancia_no_esta_lista_pero_sigue_viva()
    {
        await using var app = new AppFactory(new() { ["Storage:S3:Bucket"] = "no-existe-" + Guid.NewGuid().ToString("N")[..12] }, seed: false, almacen: ProveedorAlmacen.S3);
        var client = app.CreateClient();

        var listo = await client.GetAsync("/health/ready", Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, listo.StatusCode);
        Assert.Equal("Unhealthy", await listo.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/live", Ct)).StatusCode);
    }

    [Fact]
    public async Task Sin_base_de_datos_la_instancia_no_esta_lista()
    {
        await using var app = new AppFactory();
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health/ready", Ct)).StatusCode);

        // The database goes away (a lost volume, a dropped database): the probe notices on its next call.
        await BaseDePrueba.PerderAsync(app);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await client.GetAsync("/health/ready", Ct)).StatusCode);
    }
}
