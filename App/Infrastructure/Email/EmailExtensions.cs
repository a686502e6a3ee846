using AccesoDescargas.Features.Correos;

namespace AccesoDescargas.Infrastructure.Email;

public static class EmailExtensions
{
    public static WebApplicationBuilder AddEmail(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<SmtpOptions>(builder.Configuration.GetSection("Smtp"));
        builder.Services.Configure<OutboxOptions>(builder.Configuration.GetSection("Outbox"));
        builder.Services.AddSingleton<Outbox>();
        builder.Services.AddScoped<CorreosService>();
        if (string.IsNullOrWhiteSpace(builder.Configuration["Smtp:Host"]))
            builder.Services.AddSingleton<IEntregaCorreo, EntregaCarpeta>();
        else
            builder.Services.AddSingleton<IEntregaCorreo, EntregaSmtp>();
        builder.Services.AddSingleton<CorreoSender>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<CorreoSender>());
        return builder;
    }
}
