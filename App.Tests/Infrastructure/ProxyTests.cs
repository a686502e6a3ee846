using System.Net;
using AccesoDescargas.Tests.Features.Portal;
using Microsoft.EntityFrameworkCore;

namespace AccesoDescargas.Tests.Infrastructure;

/// <summary>Proxy:RedesConfiables: X-Forwarded-For counts only when the connection comes from a trusted network.</summary>
public class ProxyTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(null, "127.0.0.1")]             // nothing configured: forwarded headers are ignored
    [InlineData("10.0.0.0/8", "127.0.0.1")]     // the test client (loopback) is not the trusted balancer
    [InlineData("127.0.0.0/8", "203.0.113.7")]  // it is: the audit and the rate limit see the client
    [InlineData("192.0.2.1, 127.0.0.1", "203.0.113.7")]
    public async Task La_ip_del_cliente_viene_del_encabezado_reenviado_solo_desde_una_red_confiable(string? redes, string ipEsperada)
    {
        await using var app = new AppFactory(new() { ["Proxy:RedesConfiables"] = redes });
        var baseUrl = app.IniciarServidor();
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
            { BaseAddress = new Uri(baseUrl) };
        http.DefaultRequestHeaders.Add("X-Forwarded-For", "203.0.113.7");

        var r = await Portal.IngresarAsync(http, AppFactory.ReceptorRfc, "NoEsLaContrasena1");

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains(Portal.MensajeGenerico, await r.Content.TextoAsync());
        await using var db = app.CrearDb();
        var fallido = await db.Eventos.SingleAsync(e => e.Que == "portal.ingreso_fallido", Ct);
        Assert.Equal(ipEsperada, fallido.Ip);
    }

    [Fact]
    public async Task El_limite_de_ingresos_por_ip_separa_a_los_clientes_detras_del_balanceador()
    {
        await using var app = new AppFactory(new() { ["Proxy:RedesConfiables"] = "127.0.0.1", ["Portal:IngresosPorMinutoPorIp"] = "2" });
        var baseUrl = app.IniciarServidor();
        HttpClient Cliente(string ip)
        {
            var c = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = new Uri(baseUrl) };
            c.DefaultRequestHeaders.Add("X-Forwarded-For", ip);
            return c;
        }
        using var a = Cliente("203.0.113.7");
        using var b = Cliente("198.51.100.9");

        for (var i = 0; i < 2; i++) await Portal.IngresarAsync(a, AppFactory.ReceptorRfc, "NoEsLaContrasena1");
        var terceraDeA = await Portal.IngresarAsync(a, AppFactory.ReceptorRfc, "NoEsLaContrasena1");
        var primeraDeB = await Portal.IngresarAsync(b, AppFactory.ReceptorRfc, "NoEsLaContrasena1");

        Assert.Equal(HttpStatusCode.TooManyRequests, terceraDeA.StatusCode);
        Assert.Equal(HttpStatusCode.OK, primeraDeB.StatusCode);
    }

    [Fact]
    [Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // no database
    public void Una_red_mal_escrita_detiene_el_arranque_con_un_mensaje_que_la_nombra()
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateBuilder();
        builder.Configuration["Proxy:RedesConfiables"] = "10.0.0.0/8, 10.0.0/8x";

        var e = Assert.Throws<AccesoDescargas.Infrastructure.ConfiguracionException>(() => AccesoDescargas.Infrastructure.Proxy.AddProxy(builder));

        Assert.Contains("Proxy:RedesConfiables: «10.0.0/8x» no es una red", e.Message);
    }
}
