using System.Threading.RateLimiting;
using AccesoDescargas.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using AccesoDescargas.Features.Accesos;

namespace AccesoDescargas.Features.Portal;

public static class PortalExtensions
{
    public static WebApplicationBuilder AddPortal(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication()
            .AddCookie(PortalAuth.Esquema, PortalAuth.ConfigurarCookie)
            // A receptor's file download (PipelineMinimo) reads the receptor's cookie alone: never the staff's.
            .AddScheme<AuthenticationSchemeOptions, EmisorOReceptorHandler>(PortalAuth.EsquemaCombinado,
                o => o.ForwardDefaultSelector = http => PipelineMinimo.Aplica(http) ? PortalAuth.Esquema : null);
        // After AddCookie's own post-configuration, which creates the data-protected format this wraps.
        builder.Services.AddOptions<CookieAuthenticationOptions>(PortalAuth.Esquema)
            .PostConfigure<TimeProvider>((o, tiempo) => o.TicketDataFormat = new BoletosEnCache(o.TicketDataFormat, tiempo));
        // The Blazor hub is one endpoint for both sides' circuits, so by default both cookies are read;
        // every page and endpoint names the one scheme its policy accepts.
        builder.Services.Configure<AuthenticationOptions>(o => o.DefaultAuthenticateScheme = PortalAuth.EsquemaCombinado);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PortalAuth.Politica, p => p
                .AddAuthenticationSchemes(PortalAuth.Esquema)
                .RequireAuthenticatedUser()
                .AddRequirements(new ReceptorDelPortal()));
        builder.Services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationHandler, ReceptorDelPortal>();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ConsultasPortal>();
        builder.Services.AddSingleton<SellosPortal>();
        builder.Services.AddSingleton(sp => new InvalidarSellosInterceptor(new Lazy<SellosPortal>(sp.GetRequiredService<SellosPortal>)));
        builder.Services.ConfigureDbContext<AppDbContext>((sp, o) => o.AddInterceptors(sp.GetRequiredService<InvalidarSellosInterceptor>()),
            ServiceLifetime.Singleton);
        builder.Services.AddSingleton(sp => TurnosVerificacion.DesdeAjustes(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton<IngresoPortalService>();
        builder.Services.AddScoped<PortalService>();
        builder.Services.AddSingleton<RegistroDescargas>();
        builder.Services.AddHostedService<EscritorDescargas>();

        var porMinuto = builder.Configuration.GetValue("Portal:IngresosPorMinutoPorIp", 20);
        builder.Services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            // Only the portal's form posts that check a password or send one are limited, per client IP.
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                HttpMethods.IsPost(http.Request.Method) && EsFormularioDeIngreso(http.Request.Path)
                    ? RateLimitPartition.GetFixedWindowLimiter(http.Connection.RemoteIpAddress?.ToString() ?? "?", _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = porMinuto,
                        Window = TimeSpan.FromMinutes(1),
                        QueueLimit = 0,
                    })
                    : RateLimitPartition.GetNoLimiter(""));
            o.OnRejected = async (ctx, ct) =>
            {
                ctx.HttpContext.Response.Headers.RetryAfter = "60";
                ctx.HttpContext.Response.ContentType = "text/html; charset=utf-8";
                await ctx.HttpContext.Response.WriteAsync("""
                    <!DOCTYPE html><html lang="es-MX"><head><meta charset="utf-8"><title>Demasiados intentos</title></head>
                    <body style="font-family:system-ui,sans-serif;padding:2rem"><h1>Demasiados intentos</h1>
                    <p>Se recibieron demasiados intentos desde su conexión. Espere un minuto y vuelva a intentarlo.</p></body></html>
                    """, ct);
            };
        });
        return builder;
    }

    public static WebApplication MapPortal(this WebApplication app)
    {
        app.UseSalvoEnPipelineMinimo(rama => rama.UseRateLimiter());
        app.MapDescargasPortal();
        return app;
    }

    private static bool EsFormularioDeIngreso(PathString ruta)
    {
        var partes = (ruta.Value ?? "").Trim('/').Split('/');
        if (partes.Length == 4 && partes[0].Equals("portal", StringComparison.OrdinalIgnoreCase)
            && (partes[2].Equals("invitacion", StringComparison.OrdinalIgnoreCase) || partes[2].Equals("restablecer", StringComparison.OrdinalIgnoreCase)))
            return true; // choosing a password hashes it
        return partes.Length == 3 && partes[0].Equals("portal", StringComparison.OrdinalIgnoreCase)
               && (partes[2].Equals("ingresar", StringComparison.OrdinalIgnoreCase) || partes[2].Equals("recuperar", StringComparison.OrdinalIgnoreCase)
                   || partes[2].Equals("contrasena", StringComparison.OrdinalIgnoreCase));
    }
}
