namespace AccesoDescargas.Features.Representacion;

public static class RepresentacionExtensions
{
    public static WebApplicationBuilder AddRepresentacion(this WebApplicationBuilder builder)
    {
        // The fonts ship in wwwroot/fonts (published with the app); read now, so a missing file stops startup.
        var webRoot = builder.Environment.WebRootPath
            ?? throw new InvalidOperationException("No se encontró la carpeta wwwroot con las fuentes de la representación impresa.");
        FuentesRepresentacion.Registrar(Path.Combine(webRoot, "fonts"));

        builder.Services.Configure<RepresentacionOptions>(builder.Configuration.GetSection("Representacion"));
        builder.Services.AddSingleton<RepresentacionService>();
        builder.Services.AddSingleton<GeneradorPdf>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GeneradorPdf>());
        return builder;
    }
}
