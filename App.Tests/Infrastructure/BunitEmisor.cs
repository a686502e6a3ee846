using System.Security.Claims;
using AccesoDescargas.Features.Emisores;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using AccesoDescargas.Receptores;

namespace AccesoDescargas.Tests.Infrastructure;

/// <summary>bunit set up as an issuer page runs: MudBlazor, a signed-in staff user of an emisor, and <see cref="SesionEmisor"/>.</summary>
public static class BunitEmisor
{
    public static void ComoPersonalDelEmisor(this BunitContext ctx, int emisorId = 1)
    {
        ctx.JSInterop.Mode = JSRuntimeMode.Loose;
        ctx.Services.AddMudServices();
        ctx.Services.AddSingleton<IHttpContextAccessor, HttpContextAccessor>();
        ctx.Services.AddSingleton(new UrlPublica(new ConfigurationBuilder().Build()));
        ctx.Services.AddScoped<SesionEmisor>();
        var auth = ctx.AddAuthorization();
        auth.SetAuthorized(AppFactory.AdminEmail);
        auth.SetClaims(new Claim(UsuarioClaimsFactory.EmisorIdClaim, emisorId.ToString()),
            new Claim(UsuarioClaimsFactory.EmisorNombreClaim, "ESCUELA KEMPER URGATE SA DE CV"));
    }

    /// <summary>Opens a dialog the way a page does, through IDialogService inside a rendered provider.</summary>
    public static async Task<(IRenderedComponent<MudDialogProvider> Proveedor, IDialogReference Dialogo)> AbrirDialogoAsync<T>(
        this BunitContext ctx, DialogParameters<T>? parametros = null, string titulo = "") where T : IComponent
    {
        var proveedor = ctx.Render<MudDialogProvider>();
        var referencia = await proveedor.InvokeAsync(() => ctx.Services.GetRequiredService<IDialogService>().ShowAsync<T>(titulo, parametros ?? []));
        return (proveedor, referencia);
    }
}
