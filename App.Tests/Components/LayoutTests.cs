using System.Security.Claims;
using AccesoDescargas.Components.Layout;
using AccesoDescargas.Features.Emisores;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace AccesoDescargas.Tests.Components;

[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public class LayoutTests : BunitContext
{
    public LayoutTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        var auth = AddAuthorization();
        auth.SetAuthorized("admin@demo.mx");
        auth.SetClaims(new Claim(UsuarioClaimsFactory.EmisorIdClaim, "1"), new Claim(UsuarioClaimsFactory.EmisorNombreClaim, "ESCUELA KEMPER URGATE SA DE CV"));
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    public void El_menu_lleva_a_inicio_clientes_comprobantes_y_acceso_a_descargas_dentro_de_configuracion()
    {
        var menu = Render<NavMenu>();

        var enlaces = menu.FindAll("a").ToDictionary(a => a.TextContent.Trim(), a => a.GetAttribute("href"));
        Assert.Equal("", enlaces["Inicio"]);
        Assert.Equal("clientes", enlaces["Clientes"]);
        Assert.Equal("comprobantes", enlaces["Comprobantes"]);
        Assert.Equal("configuracion/cfdi-comerciales/acceso-descargas", enlaces["Acceso a Descargas"]);
        Assert.Equal("correos", enlaces["Correos enviados"]);
        Assert.Contains("Configuración", menu.Markup);
        Assert.Contains("CFDi Comerciales", menu.Markup);
    }

    [Fact]
    public void La_barra_muestra_el_nombre_del_emisor_y_el_menu_de_cuenta()
    {
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, b => b.AddMarkupContent(0, "<p id='contenido'>hola</p>")));

        Assert.Equal("ESCUELA KEMPER URGATE SA DE CV", layout.Find("[data-testid=emisor-nombre]").TextContent.Trim());
        Assert.NotNull(layout.Find("#contenido"));
        Assert.NotNull(layout.Find("button[aria-label='Mostrar u ocultar el menú']"));
        Assert.NotNull(layout.Find("button[aria-label='Cuenta de usuario']"));
    }
}
