using System.Net;
using System.Text.RegularExpressions;
using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Correos;
using AccesoDescargas.Infrastructure.Email;
using AccesoDescargas.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using static AccesoDescargas.Tests.Features.Portal.Portal;

namespace AccesoDescargas.Tests.Features.Accesos;

/// <summary>Invitation and reset links through the real app, a real SMTP server and a fake clock.</summary>
public partial class InvitacionesTests
{
    private const int EmisorDemo = 1;
    private const string Rfc = "CAMA911215CJ0", Correo = "ana.castro@ejemplo.mx";
    private static readonly Actor Staff = new(AppFactory.AdminEmail, "10.0.0.9");

    private static async Task<(AppFactory App, ServidorSmtp Smtp, FakeTimeProvider Reloj)> IniciarAsync(Dictionary<string, string?>? extra = null)
    {
        var smtp = await ServidorSmtp.IniciarNuevoAsync();
        var ajustes = smtp.Ajustes;
        foreach (var (k, v) in extra ?? []) ajustes[k] = v;
        var reloj = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var app = new AppFactory(ajustes) { Servicios = s => s.AddSingleton<TimeProvider>(reloj) };
        _ = app.Server; // start the host (and its outbox sender)
        return (app, smtp, reloj);
    }

    private static async Task<int> AccesoIdAsync(AppFactory app, string rfc = Rfc)
    {
        await using var db = app.CrearDb();
        return await db.Accesos.Where(a => a.Rfc == rfc).Select(a => a.Id).SingleAsync(Ct);
    }

    private static async Task<string> InvitarAsync(AppFactory app, ServidorSmtp smtp, string rfc = Rfc, string para = Correo)
    {
        var antes = smtp.Recibidos.Count;
        await using var scope = app.Services.CreateAsyncScope();
        var r = await scope.ServiceProvider.GetRequiredService<AccesosService>()
            .EnviarInvitacionAsync(EmisorDemo, await AccesoIdAsync(app, rfc), para, recordarCorreo: false, Staff, "http://portal.ejemplo.mx/", Ct);
        Assert.True(r.Ok, r.Error);
        var correo = await smtp.EsperarCorreoAsync(m => m.Subject!.StartsWith("Invitación") && smtp.Recibidos.ToList().IndexOf(m) >= antes);
        return Enlace(correo, "invitacion");
    }

    private static string Enlace(MimeMessage correo, string tipo)
    {
        var m = Regex.Match(correo.TextBody!, $@"http://[^/\s]+/portal/demo/{tipo}/(\S+)");
        Assert.True(m.Success, correo.TextBody);
        return $"/portal/demo/{tipo}/{m.Groups[1].Value}";
    }

    private static async Task<HttpResponseMessage> ElegirAsync(HttpClient client, string ruta, string nueva, string? confirmacion = null)
    {
        // The antiforgery token belongs to the client, not the form: the sign-in page gives one even when the link shows no form.
        var token = Token(await client.GetStringAsync("/portal/demo/ingresar", Ct));
        return await client.PostAsync(ruta, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "elegir-contrasena", ["__RequestVerificationToken"] = token,
            ["Input.Nueva"] = nueva, ["Input.Confirmacion"] = confirmacion ?? nueva,
        }), Ct);
    }

    [Fact]
    public async Task Un_acceso_automatico_empieza_sin_contrasena_y_nadie_entra_con_el()
    {
        await using var app = new AppFactory();
        await using (var db = app.CrearDb())
            Assert.Null(await db.Accesos.Where(a => a.Rfc == Rfc).Select(a => a.PasswordHash).SingleAsync(Ct));

        foreach (var intento in new[] { "null", Rfc, "CualquierCosa2026" })
        {
            var r = await IngresarAsync(Cliente(app), Rfc, intento);
            Assert.Equal(HttpStatusCode.OK, r.StatusCode);
            Assert.Contains(MensajeGenerico, await r.Content.TextoAsync());
        }
        await using var scope = app.Services.CreateAsyncScope();
        var fila = await scope.ServiceProvider.GetRequiredService<AccesosService>().ObtenerAsync(EmisorDemo, await AccesoIdAsync(app), Ct);
        Assert.False(fila!.TieneContrasena);
    }

    [Fact]
    public async Task La_invitacion_llega_por_SMTP_el_receptor_elige_su_contrasena_entra_y_el_enlace_no_sirve_otra_vez()
    {
        var (app, smtp, _) = await IniciarAsync();
        await using var _app = app;
        await using var _smtp = smtp;

        var ruta = await InvitarAsync(app, smtp);
        var correo = smtp.Recibidos.Single(m => m.Subject!.StartsWith("Invitación"));
        Assert.Equal(Correo, correo.To.Mailboxes.Single().Address);
        Assert.Contains("ESCUELA KEMPER URGATE SA DE CV", correo.Subject);
        await using (var db = app.CrearDb())
        {
            var guardado = await db.Enlaces.SingleAsync(Ct);
            Assert.DoesNotContain(ruta.Split('/')[^1], guardado.TokenHash); // only the hash is stored
            Assert.Equal(EnlacesAcceso.Huella(ruta.Split('/')[^1]), guardado.TokenHash);
        }
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.Equal(EstadoInvitacion.Enviada, (await scope.ServiceProvider.GetRequiredService<AccesosService>().ObtenerAsync(EmisorDemo, await AccesoIdAsync(app), Ct))!.Invitacion);

        var client = Cliente(app);
        var formulario = await (await client.GetAsync(ruta, Ct)).Content.TextoAsync();
        Assert.Contains(Rfc, formulario);
        var corta = await ElegirAsync(client, ruta, "corta");
        Assert.Contains("al menos 8 caracteres", await corta.Content.TextoAsync());
        var distinta = await ElegirAsync(client, ruta, "MiClaveDeAna26", "OtraClave2026");
        Assert.Contains("La confirmación no coincide", await distinta.Content.TextoAsync());

        var aceptada = await ElegirAsync(client, ruta, "MiClaveDeAna26");
        Assert.Equal(HttpStatusCode.Redirect, aceptada.StatusCode);
        Assert.Equal("/portal/demo", aceptada.Headers.Location!.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/portal/demo", Ct)).StatusCode);
        await ClienteConSesionAsync(app, Rfc, "MiClaveDeAna26");

        var otraVez = await client.GetAsync(ruta, Ct);
        Assert.Equal(HttpStatusCode.Gone, otraVez.StatusCode);
        var html = await otraVez.Content.TextoAsync();
        Assert.Contains("Este enlace ya se usó", html);
        Assert.Contains("Pedir un enlace nuevo", html);
        Assert.Equal(HttpStatusCode.Gone, (await ElegirAsync(Cliente(app), ruta, "OtraClave2026x")).StatusCode);
        await ClienteConSesionAsync(app, Rfc, "MiClaveDeAna26");

        await using var scope2 = app.Services.CreateAsyncScope();
        var fila = await scope2.ServiceProvider.GetRequiredService<AccesosService>().ObtenerAsync(EmisorDemo, await AccesoIdAsync(app), Ct);
        Assert.Equal(EstadoInvitacion.Aceptada, fila!.Invitacion);
        await using var db2 = app.CrearDb();
        Assert.True(await db2.Eventos.AnyAsync(e => e.Que == "portal.invitacion_aceptada" && e.Rfc == Rfc, Ct));
    }

    [Fact]
    public async Task De_aceptaciones_simultaneas_del_mismo_enlace_exactamente_una_gana()
    {
        // Nobody gives up waiting for a hashing slot, however loaded the machine: every post gets its turn.
        var (app, smtp, _) = await IniciarAsync(new()
        {
            ["Portal:IngresosPorMinutoPorIp"] = "1000", ["Portal:VerificacionesEnEspera"] = "100", ["Portal:EsperaMaximaSegundos"] = "600",
        });
        await using var _app = app;
        await using var _smtp = smtp;
        var ruta = await InvitarAsync(app, smtp);

        // Each client reads the form first, so that every post is valid on its own.
        var clientes = new List<(HttpClient Client, string Token, string Clave)>();
        for (var i = 0; i < 8; i++)
        {
            var c = Cliente(app);
            clientes.Add((c, Token(await c.GetStringAsync(ruta, Ct)), $"ClaveParalela{i}x"));
        }
        var respuestas = await Task.WhenAll(clientes.Select(c => c.Client.PostAsync(ruta, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "elegir-contrasena", ["__RequestVerificationToken"] = c.Token, ["Input.Nueva"] = c.Clave, ["Input.Confirmacion"] = c.Clave,
        }), Ct)));

        var ganadores = respuestas.Select((r, i) => (r, i)).Where(x => x.r.StatusCode == HttpStatusCode.Redirect).ToList();
        Assert.Single(ganadores);
        Assert.All(respuestas.Where(r => r.StatusCode != HttpStatusCode.Redirect), r => Assert.Equal(HttpStatusCode.Gone, r.StatusCode));
        await ClienteConSesionAsync(app, Rfc, clientes[ganadores[0].i].Clave);
        await using var db = app.CrearDb();
        Assert.Equal(1, await db.Eventos.CountAsync(e => e.Que == "portal.invitacion_aceptada", Ct));
    }

    [Fact]
    public async Task El_enlace_vence_a_los_dias_de_Invitaciones_Vigencia()
    {
        var (app, smtp, reloj) = await IniciarAsync(new() { ["Invitaciones:Vigencia"] = "3.00:00:00" });
        await using var _app = app;
        await using var _smtp = smtp;
        var ruta = await InvitarAsync(app, smtp);

        reloj.Advance(TimeSpan.FromDays(3) - TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.OK, (await Cliente(app).GetAsync(ruta, Ct)).StatusCode);
        reloj.Advance(TimeSpan.FromMinutes(2));
        var vencido = await Cliente(app).GetAsync(ruta, Ct);
        Assert.Equal(HttpStatusCode.Gone, vencido.StatusCode);
        Assert.Contains("Este enlace venció", await vencido.Content.TextoAsync());
        Assert.Equal(HttpStatusCode.Gone, (await ElegirAsync(Cliente(app), ruta, "MiClaveDeAna26")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await IngresarAsync(Cliente(app), Rfc, "MiClaveDeAna26")).StatusCode); // not set

        await using var scope = app.Services.CreateAsyncScope();
        var servicio = scope.ServiceProvider.GetRequiredService<AccesosService>();
        // The grid compares with the real clock; the fake one moved 3 days ahead, so ask it about a real expiry instead.
        var fila = (await servicio.ObtenerAsync(EmisorDemo, await AccesoIdAsync(app), Ct))!;
        Assert.Equal(EstadoInvitacion.Vencida, (fila with { InvitacionVenceEn = DateTime.UtcNow.AddSeconds(-1) }).Invitacion);
    }

    [Fact]
    public async Task Una_invitacion_nueva_o_un_cambio_de_contrasena_anulan_las_anteriores()
    {
        var (app, smtp, _) = await IniciarAsync();
        await using var _app = app;
        await using var _smtp = smtp;
        var primera = await InvitarAsync(app, smtp);
        var segunda = await InvitarAsync(app, smtp);
        Assert.NotEqual(primera, segunda);

        var anulada = await Cliente(app).GetAsync(primera, Ct);
        Assert.Equal(HttpStatusCode.Gone, anulada.StatusCode);
        Assert.Contains("se envió uno más reciente", await anulada.Content.TextoAsync());
        Assert.Equal(HttpStatusCode.OK, (await Cliente(app).GetAsync(segunda, Ct)).StatusCode);

        // Staff set a password by hand: the pending invitation stops working.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var r = await scope.ServiceProvider.GetRequiredService<AccesosService>()
                .CambiarContrasenaAsync(EmisorDemo, await AccesoIdAsync(app), "PuestaPorStaff26", null, Staff, "http://portal.ejemplo.mx/", Ct);
            Assert.True(r.Ok);
            var fila = await scope.ServiceProvider.GetRequiredService<AccesosService>().ObtenerAsync(EmisorDemo, await AccesoIdAsync(app), Ct);
            Assert.Equal(EstadoInvitacion.Anulada, fila!.Invitacion);
        }
        Assert.Equal(HttpStatusCode.Gone, (await ElegirAsync(Cliente(app), segunda, "MiClaveDeAna26")).StatusCode);
        await ClienteConSesionAsync(app, Rfc, "PuestaPorStaff26");
    }

    [Fact]
    public async Task Olvide_mi_contrasena_manda_un_enlace_de_un_solo_uso_y_la_contrasena_actual_sigue_hasta_usarlo()
    {
        var (app, smtp, reloj) = await IniciarAsync();
        await using var _app = app;
        await using var _smtp = smtp;
        const string rfc = AppFactory.ReceptorRfc;
        await using (var db = app.CrearDb())
            Assert.Equal("carlos.cortes@ejemplo.mx", await db.Accesos.Where(a => a.Rfc == rfc).Select(a => a.Email).SingleAsync(Ct));

        async Task<string> PedirAsync()
        {
            var antes = smtp.Recibidos.Count;
            var client = Cliente(app);
            var token = Token(await client.GetStringAsync("/portal/demo/recuperar", Ct));
            var r = await client.PostAsync("/portal/demo/recuperar", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["_handler"] = "recuperar", ["__RequestVerificationToken"] = token, ["Input.Rfc"] = rfc, ["Input.Correo"] = "carlos.cortes@ejemplo.mx",
            }), Ct);
            Assert.Contains("un enlace", await r.Content.TextoAsync());
            var correo = await smtp.EsperarCorreoAsync(m => m.Subject!.StartsWith("Restablecer") && smtp.Recibidos.ToList().IndexOf(m) >= antes);
            Assert.DoesNotContain(AppFactory.ReceptorPassword, correo.TextBody);
            return Enlace(correo, "restablecer");
        }

        var primero = await PedirAsync();
        await ClienteConSesionAsync(app, rfc, AppFactory.ReceptorPassword); // a stranger's request locks nobody out
        var segundo = await PedirAsync();
        Assert.Contains("se envió uno más reciente", await (await Cliente(app).GetAsync(primero, Ct)).Content.TextoAsync());

        var hecho = await ElegirAsync(Cliente(app), segundo, "NuevaDeCarlos26");
        Assert.Equal(HttpStatusCode.Redirect, hecho.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await IngresarAsync(Cliente(app), rfc, AppFactory.ReceptorPassword)).StatusCode); // old one no longer works
        await ClienteConSesionAsync(app, rfc, "NuevaDeCarlos26");
        Assert.Contains("Este enlace ya se usó", await (await Cliente(app).GetAsync(segundo, Ct)).Content.TextoAsync());

        var tercero = await PedirAsync();
        reloj.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));
        Assert.Contains("Este enlace venció", await (await Cliente(app).GetAsync(tercero, Ct)).Content.TextoAsync());
        await using var db2 = app.CrearDb();
        Assert.True(await db2.Eventos.AnyAsync(e => e.Que == "portal.contrasena_restablecida" && e.Rfc == rfc, Ct));
    }

    [Fact]
    public async Task Un_enlace_inventado_o_de_otro_portal_no_sirve()
    {
        var (app, smtp, _) = await IniciarAsync();
        await using var _app = app;
        await using var _smtp = smtp;
        var ruta = await InvitarAsync(app, smtp);
        var token = ruta.Split('/')[^1];

        Assert.Contains("Este enlace no es válido", await (await Cliente(app).GetAsync("/portal/demo/invitacion/inventado123", Ct)).Content.TextoAsync());
        // An invitation token does not work as a reset link.
        Assert.Equal(HttpStatusCode.Gone, (await Cliente(app).GetAsync($"/portal/demo/restablecer/{token}", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Cliente(app).GetAsync($"/portal/otro/invitacion/{token}", Ct)).StatusCode);
    }

    [Fact]
    public async Task Invitar_a_todos_llega_solo_a_quienes_tienen_correo_y_no_han_entrado_al_ritmo_de_MensajesPorMinuto()
    {
        var (app, smtp, reloj) = await IniciarAsync(new() { ["Outbox:MensajesPorMinuto"] = "2" });
        await using var _app = app;
        await using var _smtp = smtp;
        // The demo receptor (COSC) has signed in; SORC has no email; MCI is disabled.
        await ClienteConSesionAsync(app);
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.True(await scope.ServiceProvider.GetRequiredService<AccesosService>().CambiarHabilitadoAsync(EmisorDemo, await AccesoIdAsync(app, "MCI7306249Y1"), false, Staff, Ct));

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var servicio = scope.ServiceProvider.GetRequiredService<AccesosService>();
            Assert.Equal(2, await servicio.ContarPorInvitarAsync(EmisorDemo, null, Ct));
            Assert.Equal(1, await servicio.ContarPorInvitarAsync(EmisorDemo, "DIM", Ct));
            var r = await servicio.InvitarPendientesAsync(EmisorDemo, null, Staff, "http://portal.ejemplo.mx/", Ct);
            Assert.Equal(new InvitacionMasiva(2, 0), r);
            Assert.Equal(0, await servicio.ContarPorInvitarAsync(EmisorDemo, null, Ct)); // a valid invitation is not sent again
        }
        var llegaron = new[]
        {
            await smtp.EsperarCorreoAsync(m => m.To.Mailboxes.Single().Address == Correo),
            await smtp.EsperarCorreoAsync(m => m.To.Mailboxes.Single().Address == "facturas@dim.ejemplo.mx"),
        };
        Assert.All(llegaron, m => Assert.StartsWith("Invitación", m.Subject));

        // Two went out this minute; a third waits for the window to move.
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<AccesosService>()
                .EnviarInvitacionAsync(EmisorDemo, await AccesoIdAsync(app, "SORC591116FJ6"), "raul@ejemplo.mx", true, Staff, "http://portal.ejemplo.mx/", Ct);
        await EsperarAsync(async () =>
        {
            reloj.Advance(TimeSpan.FromSeconds(5));
            await using var db = app.CrearDb();
            return await db.Correos.AnyAsync(c => c.Para == "raul@ejemplo.mx" && c.Estado == EstadoCorreo.Enviado, Ct);
        }, "el tercer correo sale cuando avanza el minuto");
        Assert.Equal(3, smtp.Recibidos.Count);
    }

    [Fact]
    public void El_limite_de_envios_deja_pasar_N_por_minuto()
    {
        var limite = new LimiteEnvios(2);
        var t0 = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        Assert.Null(limite.Espera(t0));
        limite.Registrar(t0);
        Assert.Null(limite.Espera(t0.AddSeconds(10)));
        limite.Registrar(t0.AddSeconds(10));
        Assert.Equal(TimeSpan.FromSeconds(40), limite.Espera(t0.AddSeconds(20)));
        Assert.Null(limite.Espera(t0.AddSeconds(60)));
        Assert.Null(new LimiteEnvios(0).Espera(t0));
    }
}
