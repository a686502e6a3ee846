using System.Threading.RateLimiting;
using System.Security.Claims;
using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace AccesoDescargas.Components.Account;

public static class AccountExtensions
{
    /// <summary>The rate limiter policy of the staff sign-in form: its POSTs, per client IP.</summary>
    public const string LimiteIngreso = "ingreso-personal";

    public static WebApplicationBuilder AddIssuerAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<IdentityRedirectManager>();
        builder.Services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies(c => c.ApplicationCookie?.Configure(o =>
            {
                o.LoginPath = "/Account/Login";
                o.LogoutPath = "/Account/Logout";
                o.AccessDeniedPath = "/Account/AccessDenied";
                o.Cookie.Name = ".AccesoDescargas.Emisor";
                o.Events.OnValidatePrincipal = ValidarSelloAsync;
            }));
        var porMinuto = builder.Configuration.GetValue("Cuenta:IngresosPorMinutoPorIp", 10);
        builder.Services.AddRateLimiter(o => o.AddPolicy(LimiteIngreso, http => HttpMethods.IsPost(http.Request.Method)
            ? RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "?", _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = porMinuto,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
            })
            : RateLimitPartition.GetNoLimiter("")));
        // Pages that only say [Authorize] are the issuer's: a receptor's portal session must never satisfy them.
        builder.Services.AddAuthorizationBuilder().SetDefaultPolicy(new AuthorizationPolicyBuilder(IdentityConstants.ApplicationScheme)
            .RequireAuthenticatedUser()
            .RequireClaim(UsuarioClaimsFactory.EmisorIdClaim)
            .Build());
        return builder;
    }

    /// <summary>
    /// Identity's refresh of the principal every 30 minutes, plus a check of the security stamp on every
    /// request: "Cerrar sesión" changes it, so a copy of a closed session's cookie stops working at once.
    /// </summary>
    private static async Task ValidarSelloAsync(CookieValidatePrincipalContext ctx)
    {
        await SecurityStampValidator.ValidatePrincipalAsync(ctx);
        if (ctx.Principal is null) return;
        var services = ctx.HttpContext.RequestServices;
        var users = services.GetRequiredService<UserManager<Usuario>>();
        var id = users.GetUserId(ctx.Principal);
        var sello = ctx.Principal.FindFirstValue(users.Options.ClaimsIdentity.SecurityStampClaimType);
        var db = services.GetRequiredService<AppDbContext>();
        if (id is not null && sello is not null && await db.Users.AnyAsync(u => u.Id == id && u.SecurityStamp == sello, ctx.HttpContext.RequestAborted))
            return;
        ctx.RejectPrincipal();
        await ctx.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
    }

    public static IEndpointConventionBuilder MapAccount(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/Account");
        account.MapPost("/Logout", async Task<IResult> (HttpContext http, IAntiforgery antiforgery, [FromServices] SignInManager<Usuario> signIn) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
                return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Solicitud no válida",
                    detail: "La sesión no se cerró porque la página caducó. Vuelva a cargarla e intente de nuevo.");
            // A new security stamp ends this session everywhere, including any copy of its cookie.
            if (await signIn.UserManager.GetUserAsync(http.User) is { } usuario)
                await signIn.UserManager.UpdateSecurityStampAsync(usuario);
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("~/Account/Login");
        });
        return account;
    }
}
