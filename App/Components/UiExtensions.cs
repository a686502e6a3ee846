using System.Globalization;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Seguridad;
using Microsoft.AspNetCore.Localization;
using MudBlazor;
using MudBlazor.Services;

namespace AccesoDescargas.Components;

public static class UiExtensions
{
    public static readonly CultureInfo Cultura = CultureInfo.GetCultureInfo("es-MX");

    /// <summary>Times are stored in UTC and shown in central Mexico's time, whatever the server's zone.</summary>
    public static readonly TimeZoneInfo ZonaMexico = TimeZoneInfo.FindSystemTimeZoneById("America/Mexico_City");

    public static DateTime AHoraMexico(this DateTime utc) =>
        TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), ZonaMexico);

    public static WebApplicationBuilder AddUi(this WebApplicationBuilder builder)
    {
        // Circuits run on thread-pool threads: the default culture is what formats their dates and money.
        CultureInfo.DefaultThreadCurrentCulture = Cultura;
        CultureInfo.DefaultThreadCurrentUICulture = Cultura;

        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices(c =>
        {
            c.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight;
            c.SnackbarConfiguration.VisibleStateDuration = 6000;
        });
        builder.Services.AddTransient<MudLocalizer, MudLocalizerEs>();
        builder.Services.AddProblemDetails();
        return builder;
    }

    public static WebApplication UseUi(this WebApplication app)
    {
        app.UseEncabezadosSeguridad();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error", createScopeForErrors: true);
            app.UseHsts();
        }
        // A receptor's file downloads (PipelineMinimo) skip what only pages need; routing has already chosen the endpoint.
        app.UseSalvoEnPipelineMinimo(rama => rama.UseRequestLocalization(new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Cultura),
            SupportedCultures = [Cultura],
            SupportedUICultures = [Cultura],
        }));
        app.UseStatusCodePagesWithReExecute("/no-encontrado", createScopeForStatusCodePages: true);
        // Called here, on the app itself: a call inside a branch would leave WebApplication adding its own
        // authentication and antiforgery ahead of every middleware above. Downloads authenticate only the
        // receptor's cookie (the default scheme forwards there for PipelineMinimo endpoints), and
        // antiforgery checks nothing on a GET.
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.MapStaticAssets();
        return app;
    }
}
