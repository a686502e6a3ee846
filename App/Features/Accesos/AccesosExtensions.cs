using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Features.Accesos;

public static class AccesosExtensions
{
    public static WebApplicationBuilder AddAccesos(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<Contrasenas.ContrasenaHasher>();
        builder.Services.Configure<InvitacionesOptions>(builder.Configuration.GetSection("Invitaciones"));
        builder.Services.AddSingleton<EnlacesAcceso>();
        builder.Services.AddScoped<AccesosService>();
        builder.Services.AddScoped<ActividadPortalService>();
        return builder;
    }
}
