using System.Net;
using AccesoDescargas.Features.Emisores;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static AccesoDescargas.Tests.Features.Portal.Portal;

namespace AccesoDescargas.Tests.Features.Emisores;

/// <summary>Issue 9, authentication: the staff sign-in's lockout race, per-IP limit, timing, sign-out and return URLs.</summary>
public class IngresoPersonalTests(ITestOutputHelper salida)
{
    /// <summary>Identity's own hasher, counting how many times a password was verified.</summary>
    internal sealed class HasherContado : IPasswordHasher<Usuario>
    {
        private readonly PasswordHasher<Usuario> real = new();
        private int verificaciones;
        public int Verificaciones => Volatile.Read(ref verificaciones);
        public string HashPassword(Usuario user, string password) => real.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(Usuario user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref verificaciones);
            return real.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }

    private static AppFactory ConHasherContado(HasherContado hasher, Dictionary<string, string?>? ajustes = null) =>
        new(ajustes) { Servicios = s => s.AddSingleton<IPasswordHasher<Usuario>>(hasher) };

    private static async Task<HttpResponseMessage> EntrarAsync(HttpClient client, string email, string contrasena, string url = "/Account/Login")
    {
        var token = Token(await client.GetStringAsync(url, Ct));
        return await client.PostAsync(url, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login", ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email, ["Input.Password"] = contrasena,
        }), Ct);
    }

    [Fact]
    public async Task Treinta_contrasenas_incorrectas_en_paralelo_verifican_cinco_y_la_correcta_queda_bloqueada()
    {
        var hasher = new HasherContado();
        await using var app = ConHasherContado(hasher);
        string id;
        await using (var scope = app.Services.CreateAsyncScope())
            id = (await scope.ServiceProvider.GetRequiredService<UserManager<Usuario>>().FindByEmailAsync(AppFactory.AdminEmail))!.Id;
        var antes = hasher.Verificaciones;

        // Each attempt in its own scope, as separate requests are.
        var rafaga = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => Task.Run(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<Usuario>>();
            var usuario = (await signIn.UserManager.FindByIdAsync(id))!;
            return await signIn.CheckPasswordSignInAsync(usuario, $"adivinanza-{i}", lockoutOnFailure: true);
        })));
        var verificadas = hasher.Verificaciones - antes;
        var correcta = await EntrarAsync(Cliente(app), AppFactory.AdminEmail, AppFactory.AdminPassword);

        salida.WriteLine($"30 intentos en paralelo: {verificadas} verificaciones; {rafaga.Count(r => r.IsLockedOut)} bloqueados");
        Assert.Equal(5, verificadas);
        Assert.DoesNotContain(rafaga, r => r.Succeeded);
        Assert.Equal(26, rafaga.Count(r => r.IsLockedOut));
        Assert.Equal(HttpStatusCode.Redirect, correcta.StatusCode);
        Assert.Equal("/Account/Lockout", Ruta(correcta.Headers.Location!));
        Assert.Equal(5, hasher.Verificaciones - antes); // a locked user costs no verification
        await using var db = app.CrearDb();
        var guardado = await db.Users.SingleAsync(u => u.Id == id, Ct);
        Assert.True(guardado.LockoutEnd > DateTimeOffset.UtcNow.AddMinutes(14));
    }

    [Fact]
    public async Task Cuatro_fallos_y_la_contrasena_correcta_entra()
    {
        await using var app = new AppFactory();
        var client = Cliente(app);
        for (var i = 0; i < 4; i++)
            Assert.Contains("Correo o contraseña incorrectos.", await (await EntrarAsync(client, AppFactory.AdminEmail, $"mala-{i}")).Content.TextoAsync());

        var r = await EntrarAsync(client, AppFactory.AdminEmail, AppFactory.AdminPassword);

        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/", Ct)).StatusCode);
        await using var db = app.CrearDb();
        Assert.Equal(0, (await db.Users.SingleAsync(u => u.Email == AppFactory.AdminEmail, Ct)).AccessFailedCount);
    }

    [Fact]
    public async Task Un_correo_sin_cuenta_cuesta_la_misma_verificacion_que_uno_con_cuenta()
    {
        var hasher = new HasherContado();
        await using var app = ConHasherContado(hasher);
        var client = Cliente(app);

        var antes = hasher.Verificaciones;
        var conCuenta = await EntrarAsync(client, AppFactory.AdminEmail, "Incorrecta-2026");
        var conocido = hasher.Verificaciones - antes;
        antes = hasher.Verificaciones;
        var sinCuenta = await EntrarAsync(client, "nadie@ejemplo.mx", "Incorrecta-2026");
        var desconocido = hasher.Verificaciones - antes;

        Assert.Equal((1, 1), (conocido, desconocido));
        Assert.Contains("Correo o contraseña incorrectos.", await conCuenta.Content.TextoAsync());
        Assert.Contains("Correo o contraseña incorrectos.", await sinCuenta.Content.TextoAsync());
    }

    [Fact]
    public async Task El_formulario_de_ingreso_del_personal_tiene_limite_por_IP()
    {
        await using var app = new AppFactory(new() { ["Cuenta:IngresosPorMinutoPorIp"] = "3" });
        var client = Cliente(app);

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await EntrarAsync(client, "nadie@ejemplo.mx", "Incorrecta-2026")).StatusCode);
        var cuarto = await EntrarAsync(client, AppFactory.AdminEmail, AppFactory.AdminPassword);

        Assert.Equal(HttpStatusCode.TooManyRequests, cuarto.StatusCode);
        Assert.Contains("Demasiados intentos", await cuarto.Content.TextoAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/Account/Login", Ct)).StatusCode);
    }

    [Fact]
    public async Task Cerrar_sesion_invalida_tambien_una_copia_de_la_cookie_y_exige_el_token_antiforgery()
    {
        await using var app = new AppFactory();
        var client = Cliente(app);
        var r = await EntrarAsync(client, AppFactory.AdminEmail, AppFactory.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        var cookie = r.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AccesoDescargas.Emisor=")).Split(';')[0];
        Assert.Equal(HttpStatusCode.OK, (await ConCookie(app, cookie).GetAsync("/", Ct)).StatusCode);

        var sinToken = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent([]), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, sinToken.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await ConCookie(app, cookie).GetAsync("/", Ct)).StatusCode);

        var token = Token(await client.GetStringAsync("/Account/Login", Ct)); // the menu's form renders only when opened
        var salir = await client.PostAsync("/Account/Logout", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]), Ct);
        Assert.Equal(HttpStatusCode.Redirect, salir.StatusCode);

        var copia = await ConCookie(app, cookie).GetAsync("/", Ct);
        Assert.Equal(HttpStatusCode.Redirect, copia.StatusCode);
        Assert.Contains("/Account/Login", copia.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example")]
    [InlineData("/\\evil")]
    public async Task Un_ReturnUrl_de_otro_sitio_entra_y_lleva_al_inicio(string returnUrl)
    {
        await using var app = new AppFactory();
        var client = Cliente(app);

        var r = await EntrarAsync(client, AppFactory.AdminEmail, AppFactory.AdminPassword, $"/Account/Login?ReturnUrl={Uri.EscapeDataString(returnUrl)}");

        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        var destino = r.Headers.Location!;
        Assert.Equal("/", Ruta(destino));
        if (destino.IsAbsoluteUri) Assert.Equal("localhost", destino.Host);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/", Ct)).StatusCode);
    }

    private static string Ruta(Uri u) => u.IsAbsoluteUri ? u.AbsolutePath : u.OriginalString.Split('?')[0];

    private static HttpClient ConCookie(AppFactory app, string cookie)
    {
        var http = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        http.DefaultRequestHeaders.Add("Cookie", cookie);
        return http;
    }
}
