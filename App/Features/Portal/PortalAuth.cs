using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AccesoDescargas.Features.Portal;

/// <summary>The signed-in receptor: one access, bound to one emisor and one RFC.</summary>
public sealed record SesionPortal(int AccesoId, int EmisorId, string Slug, string Rfc, string Sello)
{
    public string Quien => $"receptor:{Rfc}";
}

/// <summary>
/// The receptors' cookie scheme and policy, separate from the issuer staff's Identity cookie: the
/// claim types differ, so neither principal satisfies the other side's policy.
/// </summary>
public static class PortalAuth
{
    public const string Esquema = "Receptor";
    public const string Politica = "Receptor";
    /// <summary>Default authenticate scheme: both cookies at once, for the Blazor hub that serves both sides' circuits.</summary>
    public const string EsquemaCombinado = "EmisorOReceptor";
    public const string Cookie = ".AccesoDescargas.Portal";

    private const string AccesoClaim = "portal_acceso", EmisorClaim = "portal_emisor", SlugClaim = "portal_slug",
        RfcClaim = "portal_rfc", SelloClaim = "portal_sello";

    public static ClaimsPrincipal Principal(SesionPortal s) => new(new ClaimsIdentity(
    [
        // "sub" gives antiforgery a stable user id; Identity's user id claim (NameIdentifier) is left to the issuer side.
        new Claim("sub", $"receptor:{s.EmisorId.ToString(CultureInfo.InvariantCulture)}:{s.Rfc}"),
        new Claim(ClaimTypes.Name, s.Rfc),
        new Claim(AccesoClaim, s.AccesoId.ToString(CultureInfo.InvariantCulture)),
        new Claim(EmisorClaim, s.EmisorId.ToString(CultureInfo.InvariantCulture)),
        new Claim(SlugClaim, s.Slug),
        new Claim(RfcClaim, s.Rfc),
        new Claim(SelloClaim, s.Sello),
    ], Esquema));

    /// <summary>The receptor session carried by <paramref name="user"/>, or null when there is none.</summary>
    public static SesionPortal? SesionPortal(this ClaimsPrincipal user)
    {
        // On every request of a download, three times: one pass over the claims, no lookups by type.
        foreach (var id in user.Identities)
        {
            if (!id.IsAuthenticated || id.AuthenticationType != Esquema) continue;
            string? acceso = null, emisor = null, slug = null, rfc = null, sello = null;
            foreach (var c in id.Claims)
                switch (c.Type)
                {
                    case AccesoClaim: acceso ??= c.Value; break;
                    case EmisorClaim: emisor ??= c.Value; break;
                    case SlugClaim: slug ??= c.Value; break;
                    case RfcClaim: rfc ??= c.Value; break;
                    case SelloClaim: sello ??= c.Value; break;
                }
            return int.TryParse(acceso, NumberStyles.None, CultureInfo.InvariantCulture, out var a)
                   && int.TryParse(emisor, NumberStyles.None, CultureInfo.InvariantCulture, out var e)
                   && slug is not null && rfc is not null && sello is not null
                ? new SesionPortal(a, e, slug, rfc, sello)
                : null;
        }
        return null;
    }

    /// <summary>Where a visitor of <paramref name="ruta"/> signs in: its emisor's portal, or null outside the portal.</summary>
    public static string? IngresoPara(string ruta, string? volverA = null)
    {
        var partes = ruta.TrimStart('/').Split('/', 3);
        if (partes.Length < 2 || !partes[0].Equals("portal", StringComparison.OrdinalIgnoreCase) || partes[1].Length == 0)
            return null;
        var ingreso = $"/portal/{Uri.EscapeDataString(Uri.UnescapeDataString(partes[1]))}/ingresar";
        return string.IsNullOrEmpty(volverA) ? ingreso : $"{ingreso}?volverA={Uri.EscapeDataString(volverA)}";
    }

    /// <summary>Only a local path inside the same portal is a valid place to return to after signing in.</summary>
    public static string VolverSeguro(string slug, string? volverA)
    {
        var inicio = $"/portal/{Uri.EscapeDataString(slug)}";
        if (string.IsNullOrEmpty(volverA) || volverA.Contains('\\') || volverA.StartsWith("//")
            || !(volverA.Equals(inicio, StringComparison.OrdinalIgnoreCase) || volverA.StartsWith(inicio + "/", StringComparison.OrdinalIgnoreCase) || volverA.StartsWith(inicio + "?", StringComparison.OrdinalIgnoreCase)))
            return inicio;
        return volverA;
    }

    internal static void ConfigurarCookie(CookieAuthenticationOptions o)
    {
        o.Cookie.Name = Cookie;
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Lax;
        o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        o.ExpireTimeSpan = TimeSpan.FromMinutes(30);
        o.SlidingExpiration = true;
        o.LoginPath = "/portal";
        o.Events = new CookieAuthenticationEvents
        {
            OnValidatePrincipal = async ctx =>
            {
                var sesion = ctx.Principal?.SesionPortal();
                var sellos = ctx.HttpContext.RequestServices.GetRequiredService<SellosPortal>();
                if (sesion is null || !await sellos.EsVigenteAsync(sesion.AccesoId, sesion.Sello, ctx.HttpContext.RequestAborted))
                {
                    ctx.RejectPrincipal();
                    await ctx.HttpContext.SignOutAsync(Esquema);
                }
            },
            // The sign-in page belongs to the emisor in the URL; a session of another emisor is treated as no session.
            OnRedirectToLogin = ctx => RedirigirAlIngreso(ctx),
            OnRedirectToAccessDenied = ctx => RedirigirAlIngreso(ctx),
        };
    }

    private static Task RedirigirAlIngreso(RedirectContext<CookieAuthenticationOptions> ctx)
    {
        var r = ctx.Request;
        var destino = IngresoPara(r.Path.Value ?? "", HttpMethods.IsGet(r.Method) ? r.PathBase + r.Path + r.QueryString : null);
        if (destino is null || r.Headers.XRequestedWith == "XMLHttpRequest")
            ctx.Response.StatusCode = StatusCodes.Status401Unauthorized;
        else
            ctx.Response.Redirect(r.PathBase + destino);
        return Task.CompletedTask;
    }
}

/// <summary>A receptor session whose emisor is the one in the route's {slug}.</summary>
public sealed class ReceptorDelPortal : AuthorizationHandler<ReceptorDelPortal>, IAuthorizationRequirement
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, ReceptorDelPortal requirement)
    {
        var sesion = context.User.SesionPortal();
        var slug = context.Resource switch
        {
            HttpContext http => http.GetRouteValue("slug") as string,
            Microsoft.AspNetCore.Components.RouteData ruta => ruta.RouteValues.FirstOrDefault(v => v.Key.Equals("slug", StringComparison.OrdinalIgnoreCase)).Value as string,
            _ => null,
        };
        if (sesion is not null && slug is not null && string.Equals(slug, sesion.Slug, StringComparison.OrdinalIgnoreCase))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Authenticates the issuer's and the receptor's cookies together. Only the Blazor hub relies on it
/// (one /_blazor endpoint serves both sides' circuits); pages and endpoints name their own scheme in
/// their policy, so there the principal holds that side's identity alone.
/// </summary>
internal sealed class EmisorOReceptorHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var emisor = await Context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var receptor = await Context.AuthenticateAsync(PortalAuth.Esquema);
        if (!emisor.Succeeded && !receptor.Succeeded) return AuthenticateResult.NoResult();

        var principal = new ClaimsPrincipal();
        if (emisor.Succeeded) principal.AddIdentities(emisor.Principal.Identities);
        if (receptor.Succeeded) principal.AddIdentities(receptor.Principal.Identities);
        return AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) =>
        Context.ChallengeAsync(IdentityConstants.ApplicationScheme, properties);

    protected override Task HandleForbiddenAsync(AuthenticationProperties properties) =>
        Context.ForbidAsync(IdentityConstants.ApplicationScheme, properties);
}
