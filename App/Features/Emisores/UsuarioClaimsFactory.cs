using System.Security.Claims;
using AccesoDescargas.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AccesoDescargas.Features.Emisores;

/// <summary>Puts the user's emisor in the sign-in cookie, so every page and service knows its tenant without a lookup.</summary>
public sealed class UsuarioClaimsFactory(UserManager<Usuario> users, IOptions<IdentityOptions> options, AppDbContext db)
    : UserClaimsPrincipalFactory<Usuario>(users, options)
{
    public const string EmisorIdClaim = "emisor_id";
    public const string EmisorNombreClaim = "emisor_nombre";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(Usuario user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        var nombre = await db.Emisores.Where(e => e.Id == user.EmisorId).Select(e => e.RazonSocial).SingleAsync();
        identity.AddClaim(new Claim(EmisorIdClaim, user.EmisorId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        identity.AddClaim(new Claim(EmisorNombreClaim, nombre));
        return identity;
    }
}

public static class EmisorClaims
{
    /// <summary>The signed-in staff user's emisor. Pages require authorization, so a missing claim is a bug, not user input.</summary>
    public static int EmisorId(this ClaimsPrincipal user) =>
        int.Parse(user.FindFirstValue(UsuarioClaimsFactory.EmisorIdClaim)
                  ?? throw new InvalidOperationException("El usuario no tiene emisor."), System.Globalization.CultureInfo.InvariantCulture);

    public static string EmisorNombre(this ClaimsPrincipal user) => user.FindFirstValue(UsuarioClaimsFactory.EmisorNombreClaim) ?? "";
}
