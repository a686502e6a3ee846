namespace AccesoDescargas.Features.Portal;

/// <summary>Addresses of an emisor's portal de descargas. The sign-in link format is fixed: emails already carry it.</summary>
public static class EnlacesPortal
{
    public static string Ingreso(string baseUrl, string slug, string rfc) =>
        $"{baseUrl.TrimEnd('/')}/portal/{Uri.EscapeDataString(slug)}/ingresar?rfc={Uri.EscapeDataString(rfc)}";
}
