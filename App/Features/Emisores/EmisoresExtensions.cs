namespace AccesoDescargas.Features.Emisores;

public static class EmisoresExtensions
{
    public static WebApplicationBuilder AddEmisores(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<RegistroService>();
        return builder;
    }
}
