using AccesoDescargas.Features.Auditoria;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using AccesoDescargas.Receptores;

namespace AccesoDescargas.Features.Emisores;

public sealed record UsuarioEmisor(int EmisorId, Actor Actor);

/// <summary>The signed-in staff user of this circuit: its emisor (the tenant of every query), who it is and from where.</summary>
public sealed class SesionEmisor(AuthenticationStateProvider auth, IHttpContextAccessor http, NavigationManager navigation, Receptores.UrlPublica urlPublica)
{
    // Captured when the circuit starts: later, inside the circuit, there is no request to ask.
    private readonly string? ip = http.HttpContext?.Connection.RemoteIpAddress?.ToString();

    public async Task<UsuarioEmisor> ObtenerAsync()
    {
        var user = (await auth.GetAuthenticationStateAsync()).User;
        return new UsuarioEmisor(user.EmisorId(), new Actor(user.Identity?.Name ?? "desconocido", ip));
    }

    /// <summary>The app's public address for links in emails (UrlPublica, or as the browser sees it).</summary>
    public string BaseUrl => urlPublica.Base(navigation.BaseUri);
}
