using Microsoft.Extensions.DependencyInjection.Extensions;
using AccesoDescargas.Receptores;

namespace AccesoDescargas.Features.Emisores;

public static class EmisoresExtensions
{
    public static WebApplicationBuilder AddEmisores(this WebApplicationBuilder builder)
    {
        Receptores.UrlPublica.Validar(builder.Configuration, builder.Environment);
        builder.Services.AddScoped<RegistroService>();
        builder.Services.Configure<EmisoresOptions>(builder.Configuration.GetSection("Emisores"));
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<VerificadorCsd>();
        builder.Services.AddScoped<CsdService>();
        builder.Services.AddScoped<SesionEmisor>();
        builder.Services.AddSingleton<Receptores.UrlPublica>();
        builder.Services.AddHttpContextAccessor();
        return builder;
    }
}
