using AccesoDescargas.Features.Clientes;
using AccesoDescargas.Tests.Infrastructure;
using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AccesoDescargas.Tests.Features.Clientes;

/// <summary>The dialog as MudBlazor's own dialog tests drive it: a provider, opened through IDialogService, saving into the real app.</summary>
public sealed class ClienteDialogTests : BunitContext
{
    private readonly AppFactory app = new();
    private readonly IServiceScope scope;

    public ClienteDialogTests()
    {
        this.ComoPersonalDelEmisor();
        scope = app.Services.CreateScope();
        Services.AddSingleton(scope.ServiceProvider.GetRequiredService<ClientesService>());
    }

    [Fact]
    public async Task Un_digito_verificador_distinto_avisa_y_pide_marcar_que_el_rfc_es_correcto()
    {
        var (proveedor, dialogo) = await AbrirAsync();

        Campo(proveedor, "RFC").Change("xiqb891116qe5");
        Campo(proveedor, "Nombre o razón social").Input("BERENICE XIMO QUEZADA");
        Assert.Contains("dígito verificador", proveedor.Find(".mud-alert-text-warning").TextContent);
        Boton(proveedor, "Guardar").Click();

        proveedor.WaitForAssertion(() => Assert.Contains(ClientesService.MensajeConfirmarRfc, proveedor.Markup));
        Assert.False(dialogo.Result.IsCompleted);

        proveedor.Find("input[type=checkbox]").Change(true);
        Boton(proveedor, "Guardar").Click();

        var resultado = await dialogo.Result.WaitAsync(TimeSpan.FromSeconds(10), Xunit.TestContext.Current.CancellationToken);
        Assert.False(resultado!.Canceled);
        await using var db = app.CrearDb();
        var cliente = await db.Clientes.SingleAsync(c => c.Id == (int)resultado.Data!, Xunit.TestContext.Current.CancellationToken);
        Assert.Equal("XIQB891116QE5", cliente.Rfc);
        Assert.True(await db.Accesos.AnyAsync(a => a.EmisorId == 1 && a.Rfc == "XIQB891116QE5", Xunit.TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Un_rfc_generico_se_rechaza_con_el_motivo_y_no_se_guarda()
    {
        var (proveedor, dialogo) = await AbrirAsync();

        Campo(proveedor, "RFC").Change("XAXX010101000");
        Campo(proveedor, "Nombre o razón social").Input("PUBLICO EN GENERAL");
        Boton(proveedor, "Guardar").Click();

        proveedor.WaitForAssertion(() => Assert.Contains("El RFC genérico XAXX010101000 no puede tener acceso", proveedor.Markup));
        Assert.Empty(proveedor.FindAll("input[type=checkbox]"));
        Assert.False(dialogo.Result.IsCompleted);
        await using var db = app.CrearDb();
        Assert.False(await db.Clientes.AnyAsync(c => c.Rfc == "XAXX010101000", Xunit.TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Un_rfc_que_ya_es_cliente_muestra_el_mensaje_de_duplicado_y_el_dialogo_sigue_abierto()
    {
        var (proveedor, dialogo) = await AbrirAsync();

        Campo(proveedor, "RFC").Change("COSC8001137NA");
        Campo(proveedor, "Nombre o razón social").Input("CARLOS CORTÉS SOTO");
        Boton(proveedor, "Guardar").Click();

        proveedor.WaitForAssertion(() => Assert.Contains(ClientesService.MensajeDuplicado, proveedor.Markup), TimeSpan.FromSeconds(10));
        Assert.False(dialogo.Result.IsCompleted);
        Assert.NotNull(proveedor.Find(".mud-dialog"));
    }

    [Fact]
    public async Task Al_editar_el_rfc_se_muestra_pero_no_se_puede_cambiar()
    {
        int id;
        await using (var db = app.CrearDb())
            id = await db.Clientes.Where(c => c.Rfc == "DIM8701081LA").Select(c => c.Id).SingleAsync(Xunit.TestContext.Current.CancellationToken);
        var (proveedor, dialogo) = await AbrirAsync(id);

        proveedor.WaitForAssertion(() => Assert.Equal("DIM8701081LA", Campo(proveedor, "RFC").GetAttribute("value")));
        Assert.True(Campo(proveedor, "RFC").HasAttribute("readonly"));
        Campo(proveedor, "Correo electrónico (opcional)").Input("facturas.nuevas@dim.ejemplo.mx");
        Boton(proveedor, "Guardar").Click();

        var resultado = await dialogo.Result.WaitAsync(TimeSpan.FromSeconds(10), Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(id, (int)resultado!.Data!);
        await using var despues = app.CrearDb();
        Assert.Equal("facturas.nuevas@dim.ejemplo.mx", (await despues.Clientes.SingleAsync(c => c.Id == id, Xunit.TestContext.Current.CancellationToken)).Email);
    }

    private async Task<(IRenderedComponent<MudDialogProvider>, IDialogReference)> AbrirAsync(int? id = null)
    {
        var parametros = new DialogParameters<ClienteDialog>();
        if (id is not null) parametros.Add(d => d.Id, id);
        var (proveedor, referencia) = await this.AbrirDialogoAsync(parametros, id is null ? "Nuevo cliente" : "Editar cliente");
        proveedor.WaitForElement(".mud-dialog form");
        return (proveedor, referencia);
    }

    /// <summary>The input a label names, as a user (and a screen reader) finds it.</summary>
    private static IElement Campo(IRenderedComponent<MudDialogProvider> proveedor, string etiqueta)
    {
        var label = proveedor.FindAll("label").Single(l => l.TextContent.Trim().TrimEnd('*').Trim() == etiqueta);
        return proveedor.Find($"#{label.GetAttribute("for")}");
    }

    private static IElement Boton(IRenderedComponent<MudDialogProvider> proveedor, string texto) =>
        proveedor.FindAll("button").Single(b => b.TextContent.Trim() == texto);

    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        scope.Dispose();
        await app.DisposeAsync();
    }
}
