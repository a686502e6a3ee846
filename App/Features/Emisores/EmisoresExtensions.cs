namespace AccesoDescargas.Features.Emisores;

public static class EmisoresExtensions
{
    public static WebApplicationBuilder AddEmisores(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<RegistroService>();
        builder.Services.AddScoped<SesionEmisor>();
        builder.Services.AddHttpContextAccessor();
        return builder;
    }
}
