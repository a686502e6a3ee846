namespace AccesoDescargas.Features.Accesos;

public static class AccesosExtensions
{
    public static WebApplicationBuilder AddAccesos(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ContrasenaHasher>();
        return builder;
    }
}
