using Microsoft.AspNetCore.Components;

namespace AccesoDescargas.Components.Account;

internal sealed class IdentityRedirectManager(NavigationManager navigationManager)
{
    public void RedirectTo(string? uri)
    {
        // Only local targets: a ReturnUrl from the query string must not become an open redirect. Anything else goes home.
        navigationManager.NavigateTo(EsLocal(uri) ? uri! : "");
    }

    /// <summary>A path on this site: no scheme, no host, no "//" or "/\" that browsers read as another host.</summary>
    internal static bool EsLocal(string? uri) =>
        !string.IsNullOrEmpty(uri)
        && !uri.Contains('\\') && !uri.Any(char.IsControl) && !uri.StartsWith("//", StringComparison.Ordinal)
        && Uri.IsWellFormedUriString(uri, UriKind.Relative) && !uri.Split('/', 2)[0].Contains(':');
}
