using AccesoDescargas.Infrastructure.Storage;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AccesoDescargas.Infrastructure.Salud;

/// <summary>
/// Probes for a load balancer: <c>/health/live</c> answers 200 while the process serves requests;
/// <c>/health/ready</c> also checks that the database and the file store answer (503 otherwise), so an
/// instance that lost either is taken out of rotation instead of failing its users' requests.
/// </summary>
public static class SaludExtensions
{
    private const string Lista = "ready";

    public static WebApplicationBuilder AddSalud(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks()
            .AddDbContextCheck<AppDbContext>("base de datos", tags: [Lista])
            .AddCheck<AlmacenAccesible>("almacén de archivos", tags: [Lista]);
        return builder;
    }

    public static WebApplication MapSalud(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Lista) }).AllowAnonymous();
        return app;
    }
}

internal sealed class AlmacenAccesible(IFileStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await store.ComprobarAsync(ct);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("El almacén de archivos no responde.", e);
        }
    }
}
