using System.Net;
using AccesoDescargas.Features.Portal;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AccesoDescargas.Tests.Features.Portal.Portal;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Tests.Features.Portal;

/// <summary>Issue 9, authentication: the lockout under parallel guesses, shared by every instance; sign-out, return URLs.</summary>
public class PortalBloqueoTests(ITestOutputHelper salida)
{
    [Fact]
    public async Task Treinta_intentos_simultaneos_calculan_cinco_hashes_y_luego_la_contrasena_correcta_queda_bloqueada()
    {
        // Nobody gives up waiting for a hashing slot, however loaded the machine: every attempt gets its turn.
        await using var app = new AppFactory(new() { ["Portal:EsperaMaximaSegundos"] = "600" });
        var servicio = app.Services.GetRequiredService<IngresoPortalService>();
        var hasher = app.Services.GetRequiredService<ContrasenaHasher>();
        var emisor = (await servicio.EmisorAsync("demo", Ct))!;
        var antes = hasher.Derivaciones;

        var rafaga = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() =>
            servicio.IngresarAsync(emisor, AppFactory.ReceptorRfc, $"adivinanza-{i}", $"203.0.113.{i % 3}", Ct))));
        var hashes = hasher.Derivaciones - antes;
        var correcta = await servicio.IngresarAsync(emisor, AppFactory.ReceptorRfc, AppFactory.ReceptorPassword, "198.51.100.7", Ct);

        salida.WriteLine($"30 intentos simultáneos: {hashes} hashes; resultados: " +
                         string.Join(", ", rafaga.GroupBy(r => r.Resultado).Select(g => $"{g.Key} {g.Count()}")));
        Assert.Equal(IngresoPortalService.IntentosMaximos, hashes);
        Assert.Equal(4, rafaga.Count(r => r.Resultado == ResultadoIngreso.Fallido));
        // The fifth failure says "bloqueado"; the rest are refused without a hash ("bloqueado", or "ocupado" when a
        // very loaded machine made them wait longer than the line allows).
        Assert.All(rafaga, r => Assert.True(r.Resultado is ResultadoIngreso.Fallido or ResultadoIngreso.Bloqueado or ResultadoIngreso.Ocupado));
        Assert.Contains(rafaga, r => r.Resultado == ResultadoIngreso.Bloqueado);
        Assert.Equal(ResultadoIngreso.Bloqueado, correcta.Resultado);
        Assert.Null(correcta.Sesion);
        Assert.Equal(hashes, hasher.Derivaciones - antes); // the locked access cost no hash
        await using var db = app.CrearDb();
        var acceso = await db.Accesos.SingleAsync(a => a.Rfc == AppFactory.ReceptorRfc, Ct);
        Assert.InRange(acceso.BloqueadoHasta!.Value, DateTime.UtcNow.AddMinutes(14), DateTime.UtcNow.AddMinutes(15));
        Assert.Null(acceso.UltimoAccesoEn);
        Assert.Equal(1, await db.Eventos.CountAsync(e => e.Que == "portal.bloqueo" && e.Rfc == AppFactory.ReceptorRfc, Ct));
    }

    [Fact]
    public async Task Un_ingreso_que_no_consigue_turno_para_verificar_no_gasta_un_intento_ni_deja_el_bloqueo()
    {
        // No line: when the only hashing slot is taken, a sign-in is answered "ocupado" at once.
        await using var app = new AppFactory(new() { ["Portal:VerificacionesSimultaneas"] = "1", ["Portal:VerificacionesEnEspera"] = "0" });
        var servicio = app.Services.GetRequiredService<IngresoPortalService>();
        var hasher = app.Services.GetRequiredService<ContrasenaHasher>();
        var emisor = (await servicio.EmisorAsync("demo", Ct))!;
        async Task<(int Intentos, DateTime? Hasta)> EstadoAsync()
        {
            await using var db = app.CrearDb();
            var a = await db.Accesos.AsNoTracking().SingleAsync(a => a.Rfc == AppFactory.ReceptorRfc, Ct);
            return (a.IntentosFallidos, a.BloqueadoHasta);
        }

        for (var i = 0; i < 4; i++)
            Assert.Equal(ResultadoIngreso.Fallido, (await servicio.IngresarAsync(emisor, AppFactory.ReceptorRfc, $"mala-{i}", "203.0.113.9", Ct)).Resultado);
        Assert.Equal((4, (DateTime?)null), await EstadoAsync());

        var antes = hasher.Derivaciones;
        using (var ocupado = await app.Services.GetRequiredService<TurnosVerificacion>().PedirAsync(0, Ct))
        {
            Assert.NotNull(ocupado);
            // The fifth try would set the lock; with no slot the password is never checked, so neither the try nor the lock stays.
            Assert.Equal(ResultadoIngreso.Ocupado, (await servicio.IngresarAsync(emisor, AppFactory.ReceptorRfc, "mala-4", "203.0.113.9", Ct)).Resultado);
            Assert.Equal((4, (DateTime?)null), await EstadoAsync());
            // Nor does a right password lose anything by arriving while the slot is busy.
            Assert.Equal(ResultadoIngreso.Ocupado, (await servicio.IngresarAsync(emisor, AppFactory.ReceptorRfc, AppFactory.ReceptorPassword, "198.51.100.7", Ct)).Resultado);
            Assert.Equal((4, (DateTime?)null), await EstadoAsync());
        }
        Assert.Equal(antes, hasher.Derivaciones);

        // Once the slot is free the right password signs in, and the count starts again.
        var correcta = await servicio.IngresarAsync(emisor, AppFactory.ReceptorRfc, AppFactory.ReceptorPassword, "198.51.100.7", Ct);
        Assert.Equal(ResultadoIngreso.Correcto, correcta.Resultado);
        Assert.Equal((0, (DateTime?)null), await EstadoAsync());

        // Four failures again and then one more with the slot busy: only the four count.
        for (var i = 0; i < 3; i++)
            Assert.Equal(ResultadoIngreso.Fallido, (await servicio.IngresarAsync(emisor, AppFactory.ReceptorRfc, $"otra-{i}", "203.0.113.9", Ct)).Resultado);
        using (await app.Services.GetRequiredService<TurnosVerificacion>().PedirAsync(0, Ct))
            Assert.Equal(ResultadoIngreso.Ocupado, (await servicio.IngresarAsync(emisor, AppFactory.ReceptorRfc, "otra-3", "203.0.113.9", Ct)).Resultado);
        Assert.Equal((3, (DateTime?)null), await EstadoAsync());
    }

    [Fact]
    public async Task Cuatro_fallos_y_la_contrasena_correcta_entra_y_reinicia_la_cuenta()
    {
        await using var app = new AppFactory();
        var servicio = app.Services.GetRequiredService<IngresoPortalService>();
        var emisor = (await servicio.EmisorAsync("demo", Ct))!;

        for (var i = 0; i < 4; i++)
            Assert.Equal(ResultadoIngreso.Fallido, (await servicio.IngresarAsync(emisor, AppFactory.ReceptorRfc, $"mala-{i}", "203.0.113.1", Ct)).Resultado);
        var correcta = await servicio.IngresarAsync(emisor, AppFactory.ReceptorRfc, AppFactory.ReceptorPassword, "203.0.113.1", Ct);

        Assert.Equal(ResultadoIngreso.Correcto, correcta.Resultado);
        await using var db = app.CrearDb();
        var acceso = await db.Accesos.SingleAsync(a => a.Rfc == AppFactory.ReceptorRfc, Ct);
        Assert.Equal((0, (DateTime?)null), (acceso.IntentosFallidos, acceso.BloqueadoHasta));
        Assert.NotNull(acceso.UltimoAccesoEn);
    }

    [Fact]
    public async Task Un_RFC_sin_acceso_se_bloquea_en_la_base_de_datos_para_todas_las_instancias_sin_calcular_hashes()
    {
        await using var a = new AppFactory();
        await using var b = new AppFactory(new() { ["DataDirectory"] = a.DataDir });
        const string rfc = "AAA010101AAA";
        var hasherA = a.Services.GetRequiredService<ContrasenaHasher>();
        var hasherB = b.Services.GetRequiredService<ContrasenaHasher>();
        _ = (a.Services.GetRequiredService<IngresoPortalService>(), b.Services.GetRequiredService<IngresoPortalService>()); // started: its calibration hash is done
        var (antesA, antesB) = (hasherA.Derivaciones, hasherB.Derivaciones);

        for (var i = 0; i < 3; i++)
            Assert.Contains(MensajeGenerico, await (await IngresarAsync(Cliente(a), rfc, $"mala-{i}")).Content.TextoAsync());
        Assert.Contains(MensajeGenerico, await (await IngresarAsync(Cliente(b), rfc, "mala-3")).Content.TextoAsync());
        var quinto = await IngresarAsync(Cliente(b), rfc, "mala-4");
        var despues = await IngresarAsync(Cliente(a), rfc, "mala-5");

        Assert.Contains(MensajeBloqueado, await quinto.Content.TextoAsync());
        Assert.Contains(MensajeBloqueado, await despues.Content.TextoAsync());
        Assert.Equal((0L, 0L), (hasherA.Derivaciones - antesA, hasherB.Derivaciones - antesB));
        await using var db = a.CrearDb();
        var intento = await db.IntentosSinAcceso.SingleAsync(i => i.Rfc == rfc, Ct);
        Assert.True(intento.BloqueadoHasta > DateTime.UtcNow.AddMinutes(14));
    }

    [Fact]
    public async Task Treinta_intentos_simultaneos_a_un_RFC_sin_acceso_lo_bloquean_igual_que_a_uno_real()
    {
        await using var app = new AppFactory();
        var servicio = app.Services.GetRequiredService<IngresoPortalService>();
        var emisor = (await servicio.EmisorAsync("demo", Ct))!;

        var rafaga = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(() =>
            servicio.IngresarAsync(emisor, "BASJ600902KL9", $"adivinanza-{i}", $"203.0.113.{i % 3}", Ct))));

        Assert.Equal(4, rafaga.Count(r => r.Resultado == ResultadoIngreso.Fallido));
        Assert.Equal(26, rafaga.Count(r => r.Resultado == ResultadoIngreso.Bloqueado));
        await using var db = app.CrearDb();
        Assert.True((await db.IntentosSinAcceso.SingleAsync(i => i.Rfc == "BASJ600902KL9", Ct)).BloqueadoHasta > DateTime.UtcNow.AddMinutes(14));
    }

    [Fact]
    public async Task Salir_invalida_tambien_una_copia_de_la_cookie_y_sin_token_antiforgery_no_cierra_nada()
    {
        await using var app = new AppFactory();
        var client = Cliente(app);
        var cookie = CookiePortal(await IngresarAsync(client, AppFactory.ReceptorRfc, AppFactory.ReceptorPassword));
        Assert.Equal(HttpStatusCode.OK, (await ConCookie(app, cookie).GetAsync("/portal/demo", Ct)).StatusCode);

        var sinToken = await client.PostAsync("/portal/demo/salir", new FormUrlEncodedContent([]), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, sinToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/portal/demo", Ct)).StatusCode);

        var token = Token(await client.GetStringAsync("/portal/demo", Ct));
        var salir = await client.PostAsync("/portal/demo/salir", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]), Ct);
        Assert.Equal(HttpStatusCode.Redirect, salir.StatusCode);

        var r = await ConCookie(app, cookie).GetAsync("/portal/demo", Ct);
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.StartsWith("/portal/demo/ingresar", r.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, (await IngresarAsync(Cliente(app), AppFactory.ReceptorRfc, AppFactory.ReceptorPassword)).StatusCode);
    }

    private static HttpClient ConCookie(AppFactory app, string cookie)
    {
        var http = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        http.DefaultRequestHeaders.Add("Cookie", cookie);
        return http;
    }

    [Theory]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example")]
    [InlineData("/\\evil")]
    public async Task Un_volverA_de_otro_sitio_entra_y_lleva_al_inicio_del_portal(string volverA)
    {
        await using var app = new AppFactory();
        var client = Cliente(app);
        var url = $"/portal/demo/ingresar?volverA={Uri.EscapeDataString(volverA)}";
        var token = Token(await client.GetStringAsync(url, Ct));

        var r = await client.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "ingreso", ["__RequestVerificationToken"] = token,
            ["Input.Rfc"] = AppFactory.ReceptorRfc, ["Input.Contrasena"] = AppFactory.ReceptorPassword,
        }), Ct);

        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Equal("/portal/demo", r.Headers.Location!.IsAbsoluteUri ? r.Headers.Location.PathAndQuery : r.Headers.Location.OriginalString);
        Assert.Equal("localhost", r.Headers.Location.IsAbsoluteUri ? r.Headers.Location.Host : "localhost");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/portal/demo", Ct)).StatusCode);
    }

    private static string CookiePortal(HttpResponseMessage r)
    {
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        return r.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AccesoDescargas.Portal=")).Split(';')[0];
    }
}
