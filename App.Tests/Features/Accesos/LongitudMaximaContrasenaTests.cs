using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Tests.Features.Emisores;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AccesoDescargas.Tests.Features.Portal.Portal;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Tests.Features.Accesos;

/// <summary>Issue 9: every form and API that takes a password refuses more than 128 characters, before any hash.</summary>
public class LongitudMaximaContrasenaTests
{
    private const string Mensaje = "La contraseña no puede tener más de 128 caracteres.";
    private static readonly string Larga = "Ab1" + new string('x', 126); // 129
    private static readonly string Enorme = new('z', 1_000_000);

    [Fact]
    [Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // no database
    public void La_politica_admite_128_y_rechaza_129()
    {
        var maxima = "Ab1" + new string('x', 125);
        Assert.Equal(128, maxima.Length);
        Assert.Null(ContrasenaPolitica.Validar(maxima, maxima, "CAMA911215CJ0"));
        Assert.Equal(Mensaje, ContrasenaPolitica.Validar(Larga, Larga, "CAMA911215CJ0"));
        Assert.Equal(Mensaje, ContrasenaPolitica.MensajeDemasiadoLarga);
    }

    [Fact]
    public async Task El_ingreso_del_portal_responde_con_el_mensaje_sin_calcular_hash_ni_contar_un_fallo()
    {
        await using var app = new AppFactory();
        var hasher = app.Services.GetRequiredService<ContrasenaHasher>();
        var client = Cliente(app);
        await client.GetStringAsync("/portal/demo/ingresar", Ct);
        var antes = hasher.Derivaciones;

        var r = await IngresarAsync(client, AppFactory.ReceptorRfc, Enorme);

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        var html = await r.Content.TextoAsync();
        Assert.Contains(Mensaje, html);
        Assert.DoesNotContain("zzzzzzzz", html);
        Assert.Equal(0, hasher.Derivaciones - antes);
        await using var db = app.CrearDb();
        Assert.Equal(0, (await db.Accesos.SingleAsync(a => a.Rfc == AppFactory.ReceptorRfc, Ct)).IntentosFallidos);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Cambiar_la_contrasena_en_el_portal_rechaza_una_actual_o_nueva_demasiado_larga_sin_hash(bool actualLarga)
    {
        await using var app = new AppFactory();
        var hasher = app.Services.GetRequiredService<ContrasenaHasher>();
        var client = await ClienteConSesionAsync(app);
        var token = Token(await client.GetStringAsync("/portal/demo/contrasena", Ct));
        var antes = hasher.Derivaciones;

        var r = await client.PostAsync("/portal/demo/contrasena", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "contrasena", ["__RequestVerificationToken"] = token,
            ["Input.Actual"] = actualLarga ? Larga : AppFactory.ReceptorPassword,
            ["Input.Nueva"] = actualLarga ? "MiNuevaClave2026" : Larga,
            ["Input.Confirmacion"] = actualLarga ? "MiNuevaClave2026" : Larga,
        }), Ct);

        Assert.Contains(Mensaje, await r.Content.TextoAsync());
        Assert.Equal(0, hasher.Derivaciones - antes);
    }

    [Fact]
    public async Task El_ingreso_del_personal_responde_con_el_mensaje_sin_verificar()
    {
        var hasher = new IngresoPersonalTests.HasherContado();
        await using var app = new AppFactory { Servicios = s => s.AddSingleton<Microsoft.AspNetCore.Identity.IPasswordHasher<AccesoDescargas.Features.Emisores.Usuario>>(hasher) };
        var client = Cliente(app);
        var token = Token(await client.GetStringAsync("/Account/Login", Ct));
        var antes = hasher.Verificaciones;

        var r = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token,
            ["Input.Email"] = AppFactory.AdminEmail, ["Input.Password"] = Enorme,
        }), Ct);

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains(Mensaje, await r.Content.TextoAsync());
        Assert.Equal(0, hasher.Verificaciones - antes);
    }

    [Fact]
    public async Task El_registro_de_un_emisor_rechaza_una_contrasena_demasiado_larga()
    {
        await using var app = new AppFactory();
        var client = Cliente(app);
        var token = Token(await client.GetStringAsync("/Account/Register", Ct));

        var r = await client.PostAsync("/Account/Register", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "register", ["__RequestVerificationToken"] = token,
            ["Input.Rfc"] = "CAMA911215CJ0", ["Input.RazonSocial"] = "Comercializadora Larga", ["Input.Email"] = "larga@ejemplo.mx", ["Input.Password"] = Larga,
        }), Ct);

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains(Mensaje, await r.Content.TextoAsync());
        await using var db = app.CrearDb();
        Assert.False(await db.Users.AnyAsync(u => u.Email == "larga@ejemplo.mx", Ct));
    }

    [Fact]
    public async Task La_API_de_accesos_responde_400_problem_json()
    {
        await using var app = new AppFactory();
        using var http = app.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", AppFactory.ApiKey);

        var r = await http.PostAsJsonAsync("/api/v1/accesos", new { rfc = "CAMA911215CJ1", password = Larga }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, r.StatusCode);
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Mensaje, (await r.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());
        await using var db = app.CrearDb();
        Assert.False(await db.Accesos.AnyAsync(a => a.Rfc == "CAMA911215CJ1", Ct));
    }

    [Fact]
    public async Task Editar_la_contrasena_de_un_acceso_rechaza_una_demasiado_larga_sin_hash()
    {
        await using var app = new AppFactory();
        var hasher = app.Services.GetRequiredService<ContrasenaHasher>();
        await using var scope = app.Services.CreateAsyncScope();
        var accesos = scope.ServiceProvider.GetRequiredService<AccesosService>();
        int emisorId, id;
        await using (var db = app.CrearDb())
        {
            var acceso = await db.Accesos.Where(a => a.Rfc == AppFactory.ReceptorRfc).Select(a => new { a.EmisorId, a.Id }).SingleAsync(Ct);
            (emisorId, id) = (acceso.EmisorId, acceso.Id);
        }
        var antes = hasher.Derivaciones;

        var r = await accesos.CambiarContrasenaAsync(emisorId, id, Larga, null, new AccesoDescargas.Features.Auditoria.Actor("admin@demo.mx", null), "http://localhost/", Ct);

        Assert.Equal(Mensaje, r.Error);
        Assert.Equal(0, hasher.Derivaciones - antes);
    }
}
