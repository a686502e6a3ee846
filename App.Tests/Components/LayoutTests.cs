using System.Security.Claims;
using AccesoDescargas.Components.Layout;
using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Email;
using AccesoDescargas.Tests.Infrastructure;
using Bunit;
using Bunit.TestDoubles;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace AccesoDescargas.Tests.Components;

public class LayoutTests : BunitContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    /// <summary>The layout's services on the real database of <paramref name="app"/>, signed in as staff of <paramref name="emisorId"/>.</summary>
    private void Configurar(AppFactory app, int emisorId = 1)
    {
        this.ComoPersonalDelEmisor(emisorId);
        Services.AddSingleton(app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>());
        Services.AddSingleton(app.Services.GetRequiredService<VerificadorCsd>());
        Services.AddSingleton(app.Services.GetRequiredService<Outbox>());
        Services.AddScoped<CsdService>();
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
    }

    [Fact]
    [Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // the menu alone, no database
    public void El_menu_lleva_a_inicio_clientes_comprobantes_y_acceso_a_descargas_dentro_de_configuracion()
    {
        this.ComoPersonalDelEmisor();
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
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
        using var app = new AppFactory();
        Configurar(app);

        var layout = Render<MainLayout>(p => p.Add(l => l.Body, b => b.AddMarkupContent(0, "<p id='cuerpo'>hola</p>")));

        Assert.Equal("ESCUELA KEMPER URGATE SA DE CV", layout.Find("[data-testid=emisor-nombre]").TextContent.Trim());
        Assert.NotNull(layout.Find("#cuerpo"));
        Assert.NotNull(layout.Find("button[aria-label='Mostrar u ocultar el menú']"));
        Assert.NotNull(layout.Find("button[aria-label='Cuenta de usuario']"));
        // The demo emisor has proved its RFC: no notice.
        Assert.Empty(layout.FindAll("[data-testid=aviso-sin-verificar]"));
    }

    [Fact]
    public async Task Un_emisor_sin_verificar_ve_el_aviso_que_lleva_a_verificar_su_rfc()
    {
        using var app = new AppFactory();
        int emisorId;
        await using (var db = app.CrearDb())
        {
            var nuevo = new Emisor { Rfc = "CSM190311AH6", RazonSocial = "OTRO EMISOR", Slug = "otro" };
            db.Emisores.Add(nuevo);
            await db.SaveChangesAsync(Ct);
            emisorId = nuevo.Id;
        }
        Configurar(app, emisorId);

        var layout = Render<MainLayout>(p => p.Add(l => l.Body, b => b.AddMarkupContent(0, "<p id='cuerpo'>hola</p>")));

        var aviso = layout.WaitForElement("[data-testid=aviso-sin-verificar]");
        Assert.Contains("Su RFC aún no está verificado", aviso.TextContent);
        Assert.Equal("configuracion/csd", aviso.QuerySelector("a")?.GetAttribute("href"));
        Assert.NotNull(layout.Find("#cuerpo"));
    }
}
