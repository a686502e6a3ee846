using AccesoDescargas.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AccesoDescargas.Tests.Components;

/// <summary>Issue 10: keyboard use of a dialog — focus starts on its first field, stays inside, returns to the opener.</summary>
[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)]
public class DialogosNavegadorTests(Navegador navegador)
{
    [Fact]
    public async Task Un_dialogo_empieza_en_su_primer_campo_atrapa_el_foco_y_lo_devuelve_a_quien_lo_abrio()
    {
        await using var app = new AppFactory();
        var page = await navegador.NuevaPaginaAsync(app.IniciarServidor(), Navegador.Escritorio);
        await Navegador.IniciarSesionEmisorAsync(page);
        await page.GotoAsync("/configuracion/cfdi-comerciales/acceso-descargas");
        await Navegador.EsperarCircuitoAsync(page);

        var abridor = page.GetByRole(AriaRole.Button, new() { Name = "Crear acceso para Clientes" });
        await abridor.FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        var dialogo = page.GetByRole(AriaRole.Dialog);
        await Expect(dialogo).ToBeVisibleAsync();
        await Expect(dialogo.GetByLabel("RFC", new() { Exact = true })).ToBeFocusedAsync();

        foreach (var tecla in Enumerable.Repeat("Tab", 12).Concat(Enumerable.Repeat("Shift+Tab", 12)))
        {
            await page.Keyboard.PressAsync(tecla);
            Assert.True(await page.EvaluateAsync<bool>("() => !!document.activeElement?.closest('[role=dialog]')"),
                $"Después de {tecla} el foco salió del diálogo: {await page.EvaluateAsync<string>("() => document.activeElement?.outerHTML?.slice(0, 120) ?? 'nada'")}");
        }

        await page.Keyboard.PressAsync("Escape");
        await Expect(dialogo).ToBeHiddenAsync();
        await Expect(abridor).ToBeFocusedAsync();
    }
}
