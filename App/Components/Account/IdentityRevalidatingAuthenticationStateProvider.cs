using System.Security.Claims;
using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Features.Portal;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AccesoDescargas.Components.Account;

// Re-checks the security stamp of a connected circuit's user every 30 minutes, as the Identity template does
// (for a portal receptor, its access's SelloSeguridad).
internal sealed class IdentityRevalidatingAuthenticationStateProvider(
        ILoggerFactory loggerFactory,
        IServiceScopeFactory scopeFactory,
        IOptions<IdentityOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(30);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        // A portal circuit carries a receptor's identity: it stays valid while its access's stamp does.
        if (state.User.SesionPortal() is { } receptor
            && !await scope.ServiceProvider.GetRequiredService<SellosPortal>().EsVigenteAsync(receptor.AccesoId, receptor.Sello, cancellationToken))
            return false;
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Usuario>>();
        if (users.GetUserId(state.User) is null) return state.User.SesionPortal() is not null;
        var user = await users.GetUserAsync(state.User);
        if (user is null) return false;
        if (!users.SupportsUserSecurityStamp) return true;
        var principalStamp = state.User.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType);
        return principalStamp == await users.GetSecurityStampAsync(user);
    }
}
