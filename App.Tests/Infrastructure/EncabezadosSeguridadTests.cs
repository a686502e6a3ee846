using System.Net;
using System.Text.RegularExpressions;
using AccesoDescargas.Tests.Infrastructure;
using Microsoft.Playwright;
using static AccesoDescargas.Tests.Features.Portal.Portal;
using AccesoDescargas.Receptores;

namespace AccesoDescargas.Tests.Infrastructure;

public partial class EncabezadosSeguridadTests(Navegador navegador)
{
    private static void AssertEncabezadosComunes(HttpResponseMessage r)
    {
        Assert.Equal("nosniff", Assert.Single(r.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("same-origin", Assert.Single(r.Headers.GetValues("Referrer-Policy")));
        if (r.Content.Headers.ContentType?.MediaType != "text/html")
        {
            // Not a page (a file, JSON): a policy under which nothing loads, runs or frames it, were it ever rendered.
            var ninguna = Assert.Single(r.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'none'", ninguna);
            Assert.Contains("frame-ancestors 'none'", ninguna);
            Assert.Contains("sandbox", ninguna);
            return;
        }
        Assert.Contains("camera=()", Assert.Single(r.Headers.GetValues("Permissions-Policy")));
        var csp = Assert.Single(r.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("object-src 'none'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
        Assert.DoesNotMatch("script-src[^;]*'unsafe-inline'", csp);
    }

    [Fact]
    public async Task Una_pagina_lleva_una_politica_de_contenido_cuyo_nonce_es_el_del_importmap()
    {
        await using var app = new AppFactory();
        var r = await Cliente(app).GetAsync("/Account/Login", Ct);

        AssertEncabezadosComunes(r);
        var csp = Assert.Single(r.Headers.GetValues("Content-Security-Policy"));
        var nonce = NonceRegex().Match(csp).Groups[1].Value;
        Assert.NotEmpty(nonce);
        var html = await r.Content.ReadAsStringAsync(Ct);
        Assert.Contains($"<script type=\"importmap\" nonce=\"{nonce}\"", html);
        // Every inline script of the page carries the nonce; nothing else runs inline.
        foreach (Match s in Regex.Matches(html, "<script(?![^>]*\\bsrc=)[^>]*>"))
            Assert.Contains($"nonce=\"{nonce}\"", s.Value);

        var otra = await Cliente(app).GetAsync("/Account/Login", Ct);
        Assert.NotEqual(nonce, NonceRegex().Match(Assert.Single(otra.Headers.GetValues("Content-Security-Policy"))).Groups[1].Value);
    }

    [Fact]
    public async Task Las_respuestas_de_error_y_de_la_api_tambien_llevan_los_encabezados()
    {
        await using var app = new AppFactory();
        var client = Cliente(app);

        var noEncontrada = await client.GetAsync("/no-existe-esta-pagina", Ct);
        var api = await client.GetAsync("/api/v1/comprobantes/" + Guid.NewGuid(), Ct);

        Assert.Equal(HttpStatusCode.NotFound, noEncontrada.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
        Assert.Equal("text/html", noEncontrada.Content.Headers.ContentType?.MediaType);
        AssertEncabezadosComunes(noEncontrada);
        AssertEncabezadosComunes(api);
        Assert.Contains("default-src 'none'", Assert.Single(api.Headers.GetValues("Content-Security-Policy")));
    }

    [Fact]
    public async Task Las_descargas_del_personal_no_se_guardan_en_caches_compartidas_ni_se_interpretan_como_otro_tipo()
    {
        await using var app = new AppFactory();
        var c = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, pdf: PdfDePrueba(2000));
        await AssertDescargasAsync(await ClienteEmisorAsync(app), $"/comprobantes/{c.Uuid}");
    }

    [Fact]
    public async Task Las_descargas_del_receptor_llevan_la_politica_que_no_permite_nada()
    {
        await using var app = new AppFactory();
        var c = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc, pdf: PdfDePrueba(2000));
        var client = await ClienteConSesionAsync(app);

        await AssertDescargasAsync(client, $"/portal/demo/comprobantes/{c.Uuid}");
        // The portal's own page keeps the page policy.
        var pagina = await client.GetAsync("/portal/demo", Ct);
        AssertEncabezadosComunes(pagina);
        Assert.Contains("script-src 'self'", Assert.Single(pagina.Headers.GetValues("Content-Security-Policy")));
    }

    /// <summary>A comprobante's XML and PDF under <paramref name="ruta"/>: never in a shared cache, and the policy that allows nothing.</summary>
    private static async Task AssertDescargasAsync(HttpClient client, string ruta)
    {
        foreach (var tipo in new[] { "xml", "pdf" })
        {
            var r = await client.GetAsync($"{ruta}/{tipo}", Ct);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.True(r.Headers.CacheControl!.Private, $"{tipo}: Cache-Control sin private");
            AssertEncabezadosComunes(r);
            Assert.Equal("default-src 'none'; frame-ancestors 'none'; sandbox", Assert.Single(r.Headers.GetValues("Content-Security-Policy")));
        }
    }

    [Fact]
    public async Task En_produccion_las_respuestas_https_llevan_hsts()
    {
        await using var app = AppProduccion.Crear();
        var client = app.CreateClient(new() { BaseAddress = new Uri("https://descargas.example.mx"), AllowAutoRedirect = false });

        var r = await client.GetAsync("/Account/Login", Ct);

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains("max-age=", Assert.Single(r.Headers.GetValues("Strict-Transport-Security")));
        AssertEncabezadosComunes(r);
    }

    [Fact]
    [Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // browser test: the pages are the same on both engines
    public async Task El_navegador_no_reporta_violaciones_de_la_politica_en_las_paginas_del_personal_ni_del_portal()
    {
        await using var app = new AppFactory();
        var page = await navegador.NuevaPaginaAsync(app.IniciarServidor());
        var violaciones = new List<string>();
        page.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violaciones.Add(m.Text); };
        await page.AddInitScriptAsync("document.addEventListener('securitypolicyviolation', e => console.error('Content Security Policy: ' + e.violatedDirective + ' ' + e.blockedURI));");

        await Navegador.IniciarSesionEmisorAsync(page);
        foreach (var (ruta, titulo) in new[] { ("/comprobantes", "Comprobantes"), ("/clientes", "Clientes"), ("/configuracion/cfdi-comerciales/acceso-descargas", "Acceso a Descargas"), ("/correos", "Correos enviados") })
        {
            await page.GotoAsync(ruta);
            await Navegador.EsperarCircuitoAsync(page);
            await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = titulo }).First).ToBeVisibleAsync();
        }
        // A dialog (MudBlazor's overlay and popover styles) and the portal's own pages.
        await page.GotoAsync("/configuracion/cfdi-comerciales/acceso-descargas");
        await Navegador.EsperarCircuitoAsync(page);
        await page.GetByRole(AriaRole.Button, new() { Name = "Crear acceso para Clientes" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Dialog)).ToBeVisibleAsync();
        await Navegador.CapturarAsync(page, "csp-dialogo");

        var portal = await navegador.NuevaPaginaAsync(page.Url[..page.Url.IndexOf("/configuracion", StringComparison.Ordinal)]);
        portal.Console += (_, m) => { if (m.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase)) violaciones.Add(m.Text); };
        await portal.AddInitScriptAsync("document.addEventListener('securitypolicyviolation', e => console.error('Content Security Policy: ' + e.violatedDirective + ' ' + e.blockedURI));");
        await portal.GotoAsync($"/portal/demo/ingresar?rfc={AppFactory.ReceptorRfc}");
        await portal.GetByLabel("Contraseña").FillAsync(AppFactory.ReceptorPassword);
        await portal.GetByRole(AriaRole.Button, new() { Name = "Entrar" }).ClickAsync();
        await Navegador.EsperarCircuitoAsync(portal);
        await Assertions.Expect(portal.GetByTestId("total-comprobantes")).ToContainTextAsync("comprobantes");
        await Navegador.CapturarAsync(portal, "csp-portal");

        Assert.Empty(violaciones);
    }

    [GeneratedRegex("script-src 'self' 'nonce-([^']+)'")]
    private static partial Regex NonceRegex();
}

/// <summary>The app as production runs it: no demo data, a public URL.</summary>
internal static class AppProduccion
{
    public static AppFactory Crear(Dictionary<string, string?>? ajustes = null) =>
        new(new(ajustes ?? []) { ["UrlPublica"] = (ajustes ?? []).GetValueOrDefault("UrlPublica", "https://descargas.example.mx") }, seed: false, entorno: "Production");
}
