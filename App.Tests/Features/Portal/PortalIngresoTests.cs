using System.Net;
using AccesoDescargas.Features.Correos;
using AccesoDescargas.Features.Portal;
using AccesoDescargas.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AccesoDescargas.Tests.Features.Portal.Portal;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Tests.Features.Portal;

public class PortalIngresoTests
{
    [Fact]
    public async Task Un_ingreso_correcto_abre_la_lista_registra_el_ultimo_acceso_y_el_evento()
    {
        await using var app = new AppFactory();
        var client = Cliente(app);

        var respuesta = await IngresarAsync(client, "cosc8001137na ", AppFactory.ReceptorPassword);

        Assert.Equal(HttpStatusCode.Redirect, respuesta.StatusCode);
        Assert.Equal("/portal/demo", respuesta.Headers.Location!.AbsolutePath);
        Assert.Contains(respuesta.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AccesoDescargas.Portal=") && c.Contains("httponly"));
        var lista = await client.GetAsync("/portal/demo", Ct);
        Assert.Equal(HttpStatusCode.OK, lista.StatusCode);
        var html = await lista.Content.TextoAsync();
        Assert.Contains("Mis comprobantes", html);
        Assert.Contains("ESCUELA KEMPER URGATE SA DE CV", html);

        await using var db = app.CrearDb();
        var acceso = await db.Accesos.SingleAsync(a => a.Rfc == AppFactory.ReceptorRfc, Ct);
        Assert.NotNull(acceso.UltimoAccesoEn);
        Assert.True(acceso.UltimoAccesoEn > DateTime.UtcNow.AddMinutes(-1));
        Assert.True(await db.Eventos.AnyAsync(e => e.Que == "portal.ingreso" && e.Rfc == AppFactory.ReceptorRfc, Ct));
    }

    [Fact]
    public async Task El_enlace_del_correo_prellena_el_RFC_y_la_pagina_lleva_el_nombre_del_emisor()
    {
        await using var app = new AppFactory();
        var html = WebUtility.HtmlDecode(await Cliente(app).GetStringAsync("/portal/demo/ingresar?rfc=COSC8001137NA", Ct));

        Assert.Contains("value=\"COSC8001137NA\"", html);
        Assert.Contains("ESCUELA KEMPER URGATE SA DE CV", html);
        Assert.Contains("¿Olvidó su contraseña?", html);
        Assert.Contains("<label for=\"contrasena\">Contraseña</label>", html);
    }

    [Fact]
    public async Task El_logotipo_del_emisor_encabeza_el_ingreso_y_se_sirve_sin_sesion()
    {
        await using var app = new AppFactory();
        var png = Convert.FromBase64String("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==");
        var guardado = await app.Services.GetRequiredService<IFileStore>().GuardarAsync(new MemoryStream(png), "png", Ct);
        await using (var db = app.CrearDb())
            await db.Emisores.Where(e => e.Slug == "demo").ExecuteUpdateAsync(s => s.SetProperty(e => e.LogoKey, guardado.Key), Ct);
        var client = Cliente(app);

        var html = await (await client.GetAsync("/portal/demo/ingresar", Ct)).Content.TextoAsync();
        var logo = await client.GetAsync("/portal/demo/logo", Ct);

        Assert.Contains("<img src=\"portal/demo/logo\" alt=\"Logotipo de ESCUELA KEMPER URGATE SA DE CV\"", html);
        Assert.Equal("image/png", logo.Content.Headers.ContentType!.MediaType);
        Assert.Equal(png, await logo.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task Un_portal_que_no_existe_responde_404()
    {
        await using var app = new AppFactory();
        var r = await Cliente(app).GetAsync("/portal/no-existe/ingresar", Ct);
        Assert.Equal(HttpStatusCode.NotFound, r.StatusCode);
    }

    [Fact]
    public async Task Contrasena_incorrecta_y_RFC_sin_acceso_reciben_el_mismo_mensaje_sin_sesion_ni_eco_de_la_contrasena()
    {
        await using var app = new AppFactory();
        var client = Cliente(app);

        var incorrecta = await IngresarAsync(client, AppFactory.ReceptorRfc, "Secreto-Equivocado-1");
        var desconocido = await IngresarAsync(client, "AAA010101AAA", "Secreto-Equivocado-2");

        foreach (var r in new[] { incorrecta, desconocido })
        {
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            var html = await r.Content.TextoAsync();
            Assert.Contains(MensajeGenerico, html);
            Assert.DoesNotContain("Secreto-Equivocado", html);
            Assert.False(r.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(".AccesoDescargas.Portal=") && !c.Contains("expires=Thu, 01 Jan 1970")));
        }
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/portal/demo", Ct)).StatusCode);
    }

    [Fact]
    public async Task Cinco_fallos_seguidos_bloquean_15_minutos_incluso_con_la_contrasena_correcta_y_un_RFC_sin_acceso_se_ve_igual()
    {
        await using var app = new AppFactory();
        var client = Cliente(app);

        for (var i = 1; i <= 4; i++)
            Assert.Contains(MensajeGenerico, await (await IngresarAsync(client, AppFactory.ReceptorRfc, $"mala-{i}")).Content.TextoAsync());
        var quinto = await (await IngresarAsync(client, AppFactory.ReceptorRfc, "mala-5")).Content.TextoAsync();
        var correcta = await IngresarAsync(client, AppFactory.ReceptorRfc, AppFactory.ReceptorPassword);

        Assert.Contains(MensajeBloqueado, quinto);
        Assert.Equal(HttpStatusCode.OK, correcta.StatusCode);
        Assert.Contains(MensajeBloqueado, await correcta.Content.TextoAsync());
        await using (var db = app.CrearDb())
        {
            var acceso = await db.Accesos.SingleAsync(a => a.Rfc == AppFactory.ReceptorRfc, Ct);
            Assert.InRange(acceso.BloqueadoHasta!.Value, DateTime.UtcNow.AddMinutes(14), DateTime.UtcNow.AddMinutes(15));
            Assert.Null(acceso.UltimoAccesoEn);
        }

        string? ultimo = null;
        for (var i = 1; i <= 5; i++) ultimo = await (await IngresarAsync(client, "BASJ600902KL9", $"mala-{i}")).Content.TextoAsync();
        Assert.Contains(MensajeBloqueado, ultimo);
    }

    [Fact]
    public async Task El_limite_por_IP_del_formulario_de_ingreso_responde_429()
    {
        await using var app = new AppFactory(new() { ["Portal:IngresosPorMinutoPorIp"] = "3" });
        var client = Cliente(app);

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await IngresarAsync(client, "AAA010101AAA", "mala")).StatusCode);
        var cuarto = await IngresarAsync(client, AppFactory.ReceptorRfc, AppFactory.ReceptorPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, cuarto.StatusCode);
        Assert.Contains("Demasiados intentos", await cuarto.Content.TextoAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/portal/demo/ingresar", Ct)).StatusCode); // the page itself is not limited
    }

    [Fact]
    public async Task Las_verificaciones_de_contrasena_simultaneas_estan_acotadas_y_el_exceso_recibe_portal_ocupado()
    {
        await using var app = new AppFactory(new() { ["Portal:VerificacionesSimultaneas"] = "1", ["Portal:VerificacionesEnEspera"] = "0" });
        var servicio = app.Services.GetRequiredService<IngresoPortalService>();
        var emisor = (await servicio.EmisorAsync("demo", Ct))!;

        var resultados = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            servicio.IngresarAsync(emisor, AppFactory.ReceptorRfc, AppFactory.ReceptorPassword, "127.0.0.1", Ct))));

        Assert.Contains(resultados, r => r.Resultado == ResultadoIngreso.Correcto);
        Assert.Contains(resultados, r => r.Resultado == ResultadoIngreso.Ocupado);
        Assert.All(resultados, r => Assert.True(r.Resultado is ResultadoIngreso.Correcto or ResultadoIngreso.Ocupado));
    }

    [Fact]
    public async Task Un_acceso_deshabilitado_no_puede_ingresar()
    {
        await using var app = new AppFactory();
        await using (var db = app.CrearDb())
        {
            var acceso = await db.Accesos.SingleAsync(a => a.Rfc == AppFactory.ReceptorRfc, Ct);
            acceso.Habilitado = false;
            acceso.SelloSeguridad = Guid.NewGuid().ToString("N");
            await db.SaveChangesAsync(Ct);
        }

        var r = await IngresarAsync(Cliente(app), AppFactory.ReceptorRfc, AppFactory.ReceptorPassword);

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains("Este acceso está deshabilitado", await r.Content.TextoAsync());
    }

    [Theory]
    [InlineData("contraseña cambiada por el emisor")]
    [InlineData("acceso deshabilitado por el emisor")]
    public async Task Una_sesion_abierta_termina_en_la_siguiente_peticion_cuando_el_emisor_cambia_la_contrasena_o_deshabilita(string cambio)
    {
        await using var app = new AppFactory();
        var client = await ClienteConSesionAsync(app);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/portal/demo", Ct)).StatusCode);

        await using (var db = app.CrearDb())
        {
            var acceso = await db.Accesos.SingleAsync(a => a.Rfc == AppFactory.ReceptorRfc, Ct);
            if (cambio.StartsWith("contraseña")) acceso.PasswordHash = new ContrasenaHasher().Hash("OtraContrasena2026");
            else acceso.Habilitado = false;
            acceso.SelloSeguridad = Guid.NewGuid().ToString("N");
            await db.SaveChangesAsync(Ct);
        }

        var r = await client.GetAsync("/portal/demo", Ct);
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.StartsWith("/portal/demo/ingresar", r.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Una_cookie_que_acaba_de_descargar_deja_de_valer_a_los_30_minutos_aunque_su_sesion_se_haya_renovado()
    {
        // The receptor's cookie is kept decrypted for a minute (BoletosEnCache): what it says must still expire on time.
        var reloj = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new AppFactory { Servicios = s => s.AddSingleton<TimeProvider>(reloj) };
        var c = await AgregarComprobanteAsync(app, AppFactory.ReceptorRfc);
        var ingreso = await IngresarAsync(Cliente(app), AppFactory.ReceptorRfc, AppFactory.ReceptorPassword);
        Assert.Equal(HttpStatusCode.Redirect, ingreso.StatusCode);
        var primera = CookiePortal(ingreso);
        using var http = app.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
        async Task<HttpResponseMessage> DescargarAsync(string cookie)
        {
            using var m = new HttpRequestMessage(HttpMethod.Get, $"/portal/demo/comprobantes/{c.Uuid}/xml");
            m.Headers.Add("Cookie", cookie);
            return await http.SendAsync(m, Ct);
        }

        Assert.Equal(HttpStatusCode.OK, (await DescargarAsync(primera)).StatusCode);
        reloj.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(HttpStatusCode.OK, (await DescargarAsync(primera)).StatusCode); // the same cookie, within the cache's minute

        // Past half its life, a request renews the session with a new cookie; the old one keeps its own expiry.
        reloj.Advance(TimeSpan.FromMinutes(16));
        var renovada = await DescargarAsync(primera);
        Assert.Equal(HttpStatusCode.OK, renovada.StatusCode);
        var segunda = CookiePortal(renovada);
        Assert.NotEqual(primera, segunda);
        Assert.Equal(HttpStatusCode.OK, (await DescargarAsync(primera)).StatusCode);

        reloj.Advance(TimeSpan.FromMinutes(14) + TimeSpan.FromSeconds(1)); // 30 min and 21 s after signing in
        var vencida = await DescargarAsync(primera);
        Assert.Equal(HttpStatusCode.Redirect, vencida.StatusCode);
        Assert.StartsWith("/portal/demo/ingresar", vencida.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await DescargarAsync(segunda)).StatusCode);
    }

    private static string CookiePortal(HttpResponseMessage r) =>
        r.Headers.GetValues("Set-Cookie").Select(v => v.Split(';')[0]).Single(v => v.StartsWith(PortalAuth.Cookie + "="));

    [Fact]
    public async Task Cambiar_la_contrasena_en_el_portal_mantiene_esta_sesion_termina_las_demas_y_la_nueva_contrasena_funciona()
    {
        await using var app = new AppFactory();
        var esta = await ClienteConSesionAsync(app);
        var otra = await ClienteConSesionAsync(app);

        var token = Token(await esta.GetStringAsync("/portal/demo/contrasena", Ct));
        var r = await esta.PostAsync("/portal/demo/contrasena", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "contrasena", ["__RequestVerificationToken"] = token,
            ["Input.Actual"] = AppFactory.ReceptorPassword, ["Input.Nueva"] = "MiNuevaClave2026", ["Input.Confirmacion"] = "MiNuevaClave2026",
        }), Ct);

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains("Su contraseña se cambió", await r.Content.TextoAsync());
        Assert.Equal(HttpStatusCode.OK, (await esta.GetAsync("/portal/demo", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await otra.GetAsync("/portal/demo", Ct)).StatusCode);
        Assert.Contains(MensajeGenerico, await (await IngresarAsync(Cliente(app), AppFactory.ReceptorRfc, AppFactory.ReceptorPassword)).Content.TextoAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await IngresarAsync(Cliente(app), AppFactory.ReceptorRfc, "MiNuevaClave2026")).StatusCode);
    }

    [Theory]
    [InlineData("Receptor2026", "MiNuevaClave2026", "MiNuevaClave2027", "La confirmación no coincide")]
    [InlineData("Receptor2026", "corta", "corta", "al menos 8 caracteres")]
    [InlineData("Receptor2026", "cosc8001137na", "cosc8001137na", "no puede ser el RFC")]
    [InlineData("NoEsLaActual1", "MiNuevaClave2026", "MiNuevaClave2026", "La contraseña actual no es correcta")]
    public async Task Cambiar_la_contrasena_aplica_la_misma_politica_que_el_emisor(string actual, string nueva, string confirmacion, string mensaje)
    {
        await using var app = new AppFactory();
        var client = await ClienteConSesionAsync(app);
        var token = Token(await client.GetStringAsync("/portal/demo/contrasena", Ct));

        var r = await client.PostAsync("/portal/demo/contrasena", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "contrasena", ["__RequestVerificationToken"] = token,
            ["Input.Actual"] = actual, ["Input.Nueva"] = nueva, ["Input.Confirmacion"] = confirmacion,
        }), Ct);

        Assert.Contains(mensaje, await r.Content.TextoAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await IngresarAsync(Cliente(app), AppFactory.ReceptorRfc, AppFactory.ReceptorPassword)).StatusCode);
    }

    [Fact]
    public async Task Un_hash_del_formato_anterior_se_actualiza_al_ingresar()
    {
        await using var app = new AppFactory();
        await using (var db = app.CrearDb())
        {
            var acceso = await db.Accesos.SingleAsync(a => a.Rfc == AppFactory.ReceptorRfc, Ct);
            acceso.PasswordHash = ContrasenaHasher.HashFormatoAnterior(AppFactory.ReceptorPassword);
            await db.SaveChangesAsync(Ct);
        }

        await ClienteConSesionAsync(app);

        await using var verificar = app.CrearDb();
        var hash = await verificar.Accesos.Where(a => a.Rfc == AppFactory.ReceptorRfc).Select(a => a.PasswordHash).SingleAsync(Ct);
        Assert.StartsWith("v2$sha512$", hash);
        Assert.Equal(VerificacionContrasena.Correcta, new ContrasenaHasher().Verificar(hash, AppFactory.ReceptorPassword));
    }

    [Fact]
    public async Task Olvide_mi_contrasena_responde_igual_coincida_o_no_y_solo_envia_cuando_coinciden_RFC_y_correo()
    {
        await using var app = new AppFactory();
        const string rfc = "CAMA911215CJ0", correo = "ana.castro@ejemplo.mx";

        async Task<string> PedirAsync(string r, string c)
        {
            var client = Cliente(app);
            var token = Token(await client.GetStringAsync("/portal/demo/recuperar", Ct));
            var resp = await client.PostAsync("/portal/demo/recuperar", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "recuperar", ["__RequestVerificationToken"] = token, ["Input.Rfc"] = r, ["Input.Correo"] = c,
            }), Ct);
            Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
            var html = await resp.Content.TextoAsync();
            Assert.DoesNotContain("<form", html);
            var i = html.IndexOf("<h1", StringComparison.Ordinal);
            return html[i..html.IndexOf("<p class=\"account-links\">", StringComparison.Ordinal)];
        }

        var sinCoincidir = await PedirAsync(rfc, "otra.persona@ejemplo.mx");
        var rfcDesconocido = await PedirAsync("AAA010101AAA", correo);
        await using (var db = app.CrearDb())
            Assert.Equal(0, await db.Correos.CountAsync(Ct));
        var coincide = await PedirAsync(rfc.ToLowerInvariant(), "Ana.Castro@ejemplo.mx");

        Assert.Equal(sinCoincidir, coincide);
        Assert.Equal(rfcDesconocido, coincide);
        Assert.Contains("recibirá en ese correo un enlace", coincide);
        await using var db2 = app.CrearDb();
        var enviado = await db2.Correos.SingleAsync(Ct);
        Assert.Equal((correo, rfc, "restablecer"), (enviado.Para, enviado.Rfc, enviado.Tipo));
        Assert.True(await db2.Eventos.AnyAsync(e => e.Que == "portal.restablecer_solicitado" && e.Rfc == rfc, Ct));
    }
}
