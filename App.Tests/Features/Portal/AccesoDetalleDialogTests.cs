using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Tests.Infrastructure;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using static AccesoDescargas.Tests.Features.Portal.Portal;

namespace AccesoDescargas.Tests.Features.Portal;

/// <summary>The issuer's view of a receptor's portal activity, after real sign-ins and downloads through HTTP.</summary>
public class AccesoDetalleDialogTests : BunitContext
{
    private void Configurar(AppFactory app, int emisorId = 1)
    {
        this.ComoPersonalDelEmisor(emisorId);
        Services.AddSingleton(app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>());
        Services.AddScoped<ActividadPortalService>();
    }

    private async Task<IRenderedComponent<MudDialogProvider>> AbrirAsync(int accesoId) =>
        (await this.AbrirDialogoAsync(new DialogParameters<AccesoDetalleDialog> { { d => d.AccesoId, accesoId } })).Proveedor;

    [Fact]
    public async Task Lista_los_ingresos_y_descargas_recientes_con_ultimo_acceso_y_total_de_descargas()
    {
        await using var app = new AppFactory();
        var c = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, serie: "B", folio: "9");
        await IngresarAsync(Cliente(app), AppFactory.ReceptorRfc, "equivocada");
        var client = await ClienteConSesionAsync(app);
        await client.GetAsync($"/portal/demo/comprobantes/{c.Uuid}/xml", Ct);
        await client.GetAsync("/portal/demo/comprobantes.zip", Ct);
        int id;
        await using (var db = app.CrearDb())
        {
            id = await db.Accesos.Where(a => a.Rfc == AppFactory.ReceptorRfc).Select(a => a.Id).SingleAsync(Ct);
            await EsperarAsync(async () => await db.Accesos.AnyAsync(a => a.Id == id && a.Descargas == 2, Ct), "las dos descargas registradas");
        }
        Configurar(app);

        var p = await AbrirAsync(id);

        p.WaitForAssertion(() => Assert.Equal(AppFactory.ReceptorRfc, p.Find("[data-testid=rfc-receptor]").TextContent.Trim()));
        Assert.Equal("2", p.Find("[data-testid=descargas]").TextContent.Trim());
        Assert.DoesNotContain("Nunca", p.Find("[data-testid=ultimo-acceso]").TextContent);
        var ingresos = p.Find("[aria-label='Inicios de sesión recientes']").TextContent;
        Assert.Contains("Inicio de sesión", ingresos);
        Assert.Contains("Contraseña incorrecta", ingresos);
        var descargas = p.Find("[aria-label='Descargas recientes']");
        var filas = descargas.QuerySelectorAll("tbody tr").Select(r => r.TextContent).ToList();
        Assert.Equal(2, filas.Count);
        Assert.Contains("ZIP", filas[0]);
        Assert.Contains("9 comprobantes", filas[0]);
        Assert.Contains("XML", filas[1]);
        Assert.Contains(c.Uuid, filas[1]);
    }

    [Fact]
    public async Task El_acceso_de_otro_emisor_no_se_muestra()
    {
        await using var app = new AppFactory();
        int id;
        await using (var db = app.CrearDb())
            id = await db.Accesos.Where(a => a.Rfc == AppFactory.ReceptorRfc).Select(a => a.Id).SingleAsync(Ct);
        Configurar(app, emisorId: 999);

        var p = await AbrirAsync(id);

        p.WaitForAssertion(() => Assert.Contains("No se encontró el acceso.", p.Markup));
        Assert.DoesNotContain(AppFactory.ReceptorRfc, p.Markup);
    }
}
