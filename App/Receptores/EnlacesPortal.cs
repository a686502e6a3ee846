namespace AccesoDescargas.Receptores;

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
    public const string MensajeFalta =
        "Falta el ajuste UrlPublica (por ejemplo https://descargas.example.mx): fuera de Development los enlaces de los correos " +
        "se construyen solo con él, para que una cabecera Host falsificada no pueda elegirlos. Configúrelo en appsettings.json " +
        "o con la variable de entorno UrlPublica.";

    private readonly string? configurada = string.IsNullOrWhiteSpace(configuration["UrlPublica"])
        ? null
        : configuration["UrlPublica"]!.TrimEnd('/') + "/";

    public string Base(string deLaSolicitud) => configurada ?? deLaSolicitud;

    /// <summary>
    /// Outside Development (and the tests' Testing environment) the app does not start without an absolute
    /// http(s) UrlPublica: otherwise an anonymous visitor's forged Host header would choose the links in
    /// the emails it triggers, password recovery included.
    /// </summary>
    public static void Validar(IConfiguration configuration, IHostEnvironment entorno)
    {
        var valor = configuration["UrlPublica"];
        if (string.IsNullOrWhiteSpace(valor))
        {
            if (entorno.IsDevelopment() || entorno.IsEnvironment("Testing")) return;
            throw new Infrastructure.ConfiguracionException(MensajeFalta);
        }
        if (!Uri.TryCreate(valor, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(uri.Query))
            throw new Infrastructure.ConfiguracionException(
                $"El ajuste UrlPublica «{valor}» no es una dirección http(s) absoluta (por ejemplo https://descargas.example.mx).");
    }
}
