namespace AccesoDescargas.Infrastructure;

/// <summary>
/// Marks hot endpoints (a receptor's file downloads) that need none of the pages' middleware:
/// localization and the global rate limiter are skipped for them, and the default combined
/// authentication forwards to the one scheme their policy names (see PortalExtensions). Status code
/// pages, the exception handler and the security headers still apply to them.
/// </summary>
public sealed class PipelineMinimo
{
    public static readonly PipelineMinimo Instancia = new();

    private PipelineMinimo() { }

    public static bool Aplica(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<PipelineMinimo>() is not null;
}

public static class PipelineMinimoExtensions
{
    /// <summary>Adds the middleware that <paramref name="configurar"/> adds for every request except those of <see cref="PipelineMinimo"/> endpoints.</summary>
    public static IApplicationBuilder UseSalvoEnPipelineMinimo(this IApplicationBuilder app, Action<IApplicationBuilder> configurar) =>
        app.UseWhen(http => !PipelineMinimo.Aplica(http), configurar);

    public static TBuilder ConPipelineMinimo<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(PipelineMinimo.Instancia);
}
