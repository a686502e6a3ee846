namespace AccesoDescargas.Features.Portal;

/// <summary>Addresses of an emisor's portal de descargas. The sign-in link format is fixed: emails already carry it.</summary>
public static class EnlacesPortal
{
    public static string Ingreso(string baseUrl, string slug, string rfc) =>
        $"{baseUrl.TrimEnd('/')}/portal/{Uri.EscapeDataString(slug)}/ingresar?rfc={Uri.EscapeDataString(rfc)}";

    public static string Invitacion(string baseUrl, string slug, string token) =>
        $"{baseUrl.TrimEnd('/')}/portal/{Uri.EscapeDataString(slug)}/invitacion/{Uri.EscapeDataString(token)}";

    public static string Restablecer(string baseUrl, string slug, string token) =>
        $"{baseUrl.TrimEnd('/')}/portal/{Uri.EscapeDataString(slug)}/restablecer/{Uri.EscapeDataString(token)}";
}

/// <summary>
/// The address links in emails point to. Set UrlPublica in production: otherwise links follow the
/// Host header of the request that caused the email, which a client can forge.
/// </summary>
public sealed class UrlPublica(IConfiguration configuration)
{
    private readonly string? configurada = string.IsNullOrWhiteSpace(configuration["UrlPublica"])
        ? null
        : configuration["UrlPublica"]!.TrimEnd('/') + "/";

    public string Base(string deLaSolicitud) => configurada ?? deLaSolicitud;
}
