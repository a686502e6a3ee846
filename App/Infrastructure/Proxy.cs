using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace AccesoDescargas.Infrastructure;

/// <summary>
/// Behind a load balancer or reverse proxy: X-Forwarded-For, -Proto and -Host are believed only when
/// the connection comes from one of <c>Proxy:RedesConfiables</c> (CIDR networks or single addresses),
/// so that the portal's rate limit, lockouts and the audit see the client's IP. Without the setting
/// (the default) every forwarded header is ignored.
/// </summary>
public static class Proxy
{
    public static WebApplicationBuilder AddProxy(this WebApplicationBuilder builder)
    {
        var (redes, proxies) = RedesConfiables(builder.Configuration);
        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedHost;
            // Only the configured ones: not the framework's default of loopback.
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            foreach (var red in redes) o.KnownIPNetworks.Add(red);
            foreach (var proxy in proxies) o.KnownProxies.Add(proxy);
            // Several trusted hops (a CDN, then nginx) each add one entry; the first untrusted one is the client.
            o.ForwardLimit = null;
        });
        return builder;
    }

    /// <summary>First in the pipeline, before anything reads the client's address or the scheme.</summary>
    public static WebApplication UseProxy(this WebApplication app)
    {
        var (redes, proxies) = RedesConfiables(app.Configuration);
        if (redes.Count > 0 || proxies.Count > 0) app.UseForwardedHeaders();
        return app;
    }

    /// <summary>A JSON array, or one string separated by commas or spaces (e.g. <c>Proxy__RedesConfiables="10.0.0.0/8,127.0.0.1"</c>).</summary>
    private static (List<System.Net.IPNetwork> Redes, List<IPAddress> Proxies) RedesConfiables(IConfiguration configuration)
    {
        var seccion = configuration.GetSection("Proxy:RedesConfiables");
        var valores = seccion.Value is { } uno ? [uno] : seccion.GetChildren().Select(c => c.Value ?? "");
        var redes = new List<System.Net.IPNetwork>();
        var proxies = new List<IPAddress>();
        foreach (var valor in valores.SelectMany(v => v.Split([',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries)))
        {
            if (valor.Contains('/') && System.Net.IPNetwork.TryParse(valor, out var red)) redes.Add(red);
            else if (!valor.Contains('/') && IPAddress.TryParse(valor, out var ip)) proxies.Add(ip);
            else throw new ConfiguracionException(
                $"Proxy:RedesConfiables: «{valor}» no es una red (p. ej. 10.0.0.0/8) ni una dirección IP (p. ej. 127.0.0.1).");
        }
        return (redes, proxies);
    }
}
