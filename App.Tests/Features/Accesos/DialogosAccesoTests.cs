using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Email;
using AccesoDescargas.Tests.Infrastructure;
using AngleSharp.Dom;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Tests.Features.Accesos;

/// <summary>The three dialogs, rendered with bunit on the real services and a real SQLite database.</summary>
public class DialogosAccesoTests : BunitContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private void Configurar(AppFactory app)
    {
        this.ComoPersonalDelEmisor();
        Services.AddSingleton(app.Services.GetRequiredService<IDbContextFactory<AppDbContext>>());
        Services.AddSingleton(app.Services.GetRequiredService<ContrasenaHasher>());
        Services.AddSingleton(app.Services.GetRequiredService<EnlacesAcceso>());
        Services.AddSingleton(app.Services.GetRequiredService<Outbox>());
        Services.AddScoped<AccesosService>();
    }

    private Task<(IRenderedComponent<MudDialogProvider> Proveedor, IDialogReference Dialogo)> AbrirAsync<T>(DialogParameters<T>? parametros = null) where T : Microsoft.AspNetCore.Components.IComponent =>
        this.AbrirDialogoAsync(parametros);

    private static IElement Campo(IRenderedComponent<MudDialogProvider> p, string etiqueta)
    {
        var label = p.FindAll("label").First(l => l.TextContent.Trim().TrimEnd('*') == etiqueta);
        return p.Find($"#{label.GetAttribute("for")}");
    }

    // Each find and its event run together on the renderer's dispatcher: a render that the previous event's async
    // work finishes in between would otherwise leave the found element's handler id stale (bunit's
    // UnknownEventHandlerIdException, seen once in a whole run).
    private static void Escribir(IRenderedComponent<MudDialogProvider> p, string etiqueta, string valor)
    {
        // Immediate fields listen to oninput, the others to onchange; then blur, as a person tabbing away.
        EnElDespachador(p, () =>
        {
            var campo = Campo(p, etiqueta);
            if (campo.HasAttribute("blazor:oninput") || !campo.HasAttribute("blazor:onchange")) campo.Input(valor);
            else campo.Change(valor);
        });
        EnElDespachador(p, () => Campo(p, etiqueta).Blur());
    }

    private static void Pulsar(IRenderedComponent<MudDialogProvider> p, string texto) =>
        EnElDespachador(p, () => p.FindAll("button").First(b => b.TextContent.Trim() == texto).Click());

    private static void EnElDespachador(IRenderedComponent<MudDialogProvider> p, Action accion) =>
        p.InvokeAsync(accion).GetAwaiter().GetResult();

    private static async Task<int> IdDeAsync(AppFactory app, string rfc)
    {
        await using var db = app.CrearDb();
        return await db.Accesos.Where(a => a.Rfc == rfc).Select(a => a.Id).SingleAsync(Ct);
    }

    [Fact]
    public async Task Editar_contrasena_muestra_el_rfc_aplica_la_politica_y_generar_llena_una_contrasena_valida()
    {
        await using var app = new AppFactory();
        Configurar(app);
        var id = await IdDeAsync(app, "DIM8701081LA");
        var (p, dialogo) = await AbrirAsync(new DialogParameters<EditarContrasenaDialog> { { d => d.AccesoId, id } });

        p.WaitForAssertion(() => Assert.Equal("DIM8701081LA", p.Find("[data-testid=rfc-receptor]").TextContent.Trim()));
        Assert.Contains("DISTRIBUIDORA INDUSTRIAL DE MONTERREY", p.Markup);

        Escribir(p, "Nueva contraseña", "corta");
        Escribir(p, "Confirmar contraseña", "corta");
        Pulsar(p, "Guardar");
        p.WaitForAssertion(() => Assert.Contains("La contraseña debe tener al menos 8 caracteres.", p.Markup));

        Escribir(p, "Nueva contraseña", "dim8701081la");
        Escribir(p, "Confirmar contraseña", "dim8701081la");
        Pulsar(p, "Guardar");
        p.WaitForAssertion(() => Assert.Contains("La contraseña no puede ser el RFC.", p.Markup));

        Escribir(p, "Nueva contraseña", "Buena2026clave");
        Escribir(p, "Confirmar contraseña", "Otra2026clave");
        Pulsar(p, "Guardar");
        p.WaitForAssertion(() => Assert.Contains("La confirmación no coincide con la contraseña.", p.Markup));

        Pulsar(p, "Generar");
        var generada = Campo(p, "Nueva contraseña").GetAttribute("value")!;
        Assert.Equal(generada, Campo(p, "Confirmar contraseña").GetAttribute("value"));
        Assert.Null(ContrasenaPolitica.Validar(generada, generada, "DIM8701081LA"));
        Assert.True(generada.Length >= 12);
        Assert.Equal("text", Campo(p, "Nueva contraseña").GetAttribute("type")); // shown, so the user can copy it

        Pulsar(p, "Guardar");
        var resultado = await dialogo.Result.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.False(resultado!.Canceled);
        await using var db = app.CrearDb();
        var hash = await db.Accesos.Where(a => a.Id == id).Select(a => a.PasswordHash).SingleAsync(Ct);
        Assert.Equal(VerificacionContrasena.Correcta, app.Services.GetRequiredService<ContrasenaHasher>().Verificar(hash, generada));
    }

    [Fact]
    public async Task Enviar_contrasena_avisa_que_se_genera_una_nueva_y_rechaza_una_lista_de_correos()
    {
        await using var app = new AppFactory();
        Configurar(app);
        var id = await IdDeAsync(app, "MCI7306249Y1");
        var (p, dialogo) = await AbrirAsync(new DialogParameters<EnviarContrasenaDialog> { { d => d.AccesoId, id } });

        p.WaitForAssertion(() => Assert.Equal("MCI7306249Y1", p.Find("[data-testid=rfc-receptor]").TextContent.Trim()));
        Assert.Contains("Se generará una nueva contraseña; la anterior dejará de funcionar.", p.Markup);
        Assert.Contains("Una invitación es más segura", p.Markup);
        Assert.Equal("compras@mci.ejemplo.mx", Campo(p, "Correo electrónico").GetAttribute("value"));

        Escribir(p, "Correo electrónico", "a@x.mx; b@y.mx");
        Pulsar(p, "Enviar contraseña");
        p.WaitForAssertion(() => Assert.Contains("Sólo puede enviarse un correo a la vez.", p.Markup));
        Assert.False(dialogo.Result.IsCompleted);

        Escribir(p, "Correo electrónico", "compras@@mci");
        Pulsar(p, "Enviar contraseña");
        p.WaitForAssertion(() => Assert.Contains("no es válido", p.Markup));

        await using var db = app.CrearDb();
        Assert.Equal(0, await db.Correos.CountAsync(Ct));
    }

    [Fact]
    public async Task Crear_acceso_rechaza_el_rfc_generico_advierte_el_digito_y_un_duplicado_lleva_al_existente()
    {
        await using var app = new AppFactory();
        Configurar(app);
        var existente = await IdDeAsync(app, "CAMA911215CJ0");
        var (p, dialogo) = await AbrirAsync<CrearAccesoDialog>();

        Escribir(p, "RFC", "XAXX010101000");
        Pulsar(p, "Generar");
        Pulsar(p, "Crear acceso");
        p.WaitForAssertion(() => Assert.Contains("El RFC genérico XAXX010101000 no puede tener acceso", p.Markup));

        Escribir(p, "RFC", "cosc8001137n9");
        p.WaitForAssertion(() => Assert.Contains("El dígito verificador del RFC no coincide", p.Markup));
        Pulsar(p, "Crear acceso");
        p.WaitForAssertion(() => Assert.Contains("Confirme que el RFC es correcto o corríjalo.", p.Markup));

        Escribir(p, "RFC", "CAMA911215CJ0");
        Pulsar(p, "Generar");
        Pulsar(p, "Crear acceso");
        var resultado = await dialogo.Result.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        var creado = Assert.IsType<AccesoCreado>(resultado!.Data);
        Assert.True(creado.Existia);
        Assert.Equal(existente, creado.Id);

        await using var db = app.CrearDb();
        Assert.Equal(1, await db.Accesos.CountAsync(a => a.Rfc == "CAMA911215CJ0", Ct));
        Assert.False(await db.Accesos.AnyAsync(a => a.Rfc == "XAXX010101000" || a.Rfc == "COSC8001137N9", Ct));
    }
}
