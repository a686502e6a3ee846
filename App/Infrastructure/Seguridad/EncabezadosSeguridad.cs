using System.Security.Cryptography;

namespace AccesoDescargas.Infrastructure.Seguridad;

/// <summary>
/// Security headers on every response, errors included (added when the response starts, after the
/// exception handler has cleared the headers). The Content-Security-Policy allows what Blazor
/// Server and MudBlazor need and nothing more: scripts only from this origin plus the inline import
/// map, which carries a per-request nonce; inline styles (MudBlazor sets style attributes and its
/// theme writes a style element); the circuit's WebSocket to this origin; images from this origin
/// and data: URLs (MudBlazor's CSS); no plugins, no framing, forms and &lt;base&gt; to this origin only.
/// Everything that is not an HTML page (a file download, JSON, a redirect) gets a policy that allows
/// nothing at all: should a browser ever render it as a document, nothing in it loads, runs or frames;
/// the Permissions-Policy, which only documents read, is left off them.
/// </summary>
public static class EncabezadosSeguridad
{
    private const string ClaveNonce = "AccesoDescargas.NonceCsp";

    private const string PermissionsPolicy =
        "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()";

    private const string PoliticaSinScriptsEnLinea =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; " +
        "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>The policy of every response that is not an HTML page.</summary>
    public const string PoliticaSinDocumento = "default-src 'none'; frame-ancestors 'none'; sandbox";

    public static string Politica(string? nonce) => nonce is null
        ? PoliticaSinScriptsEnLinea
        : PoliticaSinScriptsEnLinea.Replace("script-src 'self'", $"script-src 'self' 'nonce-{nonce}'");

    /// <summary>The nonce the page's inline scripts carry; made on first use, so files and APIs pay nothing for it.</summary>
    public static string NonceCsp(this HttpContext http)
    {
        if (http.Items[ClaveNonce] is string nonce) return nonce;
        nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(16)); // hex: nothing for HTML to encode in the attribute
        http.Items[ClaveNonce] = nonce;
        return nonce;
    }

    public static IApplicationBuilder UseEncabezadosSeguridad(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        http.Response.OnStarting(static estado =>
        {
            var h = (HttpContext)estado;
            var headers = h.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            if (EsPagina(h.Response.ContentType))
            {
                headers.ContentSecurityPolicy = Politica(h.Items[ClaveNonce] as string);
                headers["Permissions-Policy"] = PermissionsPolicy;
            }
            else
                headers.ContentSecurityPolicy = PoliticaSinDocumento;
            return Task.CompletedTask;
        }, http);
        return next(http);
    });

    private static bool EsPagina(string? tipo) => tipo is not null && tipo.StartsWith("text/html", StringComparison.OrdinalIgnoreCase);
}
