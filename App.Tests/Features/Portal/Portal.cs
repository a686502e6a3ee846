using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Infrastructure.Demo;
using AccesoDescargas.Infrastructure.Storage;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AccesoDescargas.Tests.Features.Portal;

/// <summary>What the portal tests do over HTTP: sign in through the real form, read tokens, add comprobantes with files.</summary>
internal static partial class Portal
{
    public const string MensajeGenerico = "El RFC o la contraseña no son correctos.";
    public const string MensajeBloqueado = "el acceso se bloqueó temporalmente";

    /// <summary>Settings for tests that count PDFs: only downloads generate them, not the background worker racing the test.</summary>
    public static Dictionary<string, string?> SinGeneradorEnSegundoPlano => new() { ["Representacion:EnSegundoPlano"] = "false" };

    public static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    public static HttpClient Cliente(AppFactory app) =>
        app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public static async Task<HttpResponseMessage> IngresarAsync(HttpClient client, string rfc, string contrasena, string slug = "demo")
    {
        var token = Token(await client.GetStringAsync($"/portal/{slug}/ingresar", Ct));
        return await client.PostAsync($"/portal/{slug}/ingresar", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "ingreso",
            ["__RequestVerificationToken"] = token,
            ["Input.Rfc"] = rfc,
            ["Input.Contrasena"] = contrasena,
        }), Ct);
    }

    public static async Task<HttpClient> ClienteConSesionAsync(AppFactory app, string rfc = AppFactory.ReceptorRfc, string contrasena = AppFactory.ReceptorPassword, string slug = "demo")
    {
        var client = Cliente(app);
        var r = await IngresarAsync(client, rfc, contrasena, slug);
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        return client;
    }

    public static async Task<HttpClient> ClienteEmisorAsync(AppFactory app)
    {
        var client = Cliente(app);
        var token = Token(await client.GetStringAsync("/Account/Login", Ct));
        var r = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = AppFactory.AdminEmail,
            ["Input.Password"] = AppFactory.AdminPassword,
        }), Ct);
        Assert.Equal(HttpStatusCode.Redirect, r.StatusCode);
        return client;
    }

    public static string Token(string html) => TokenRegex().Match(html) is { Success: true } m
        ? WebUtility.HtmlDecode(m.Groups[1].Value)
        : throw new InvalidOperationException("La página no tiene token antiforgery.");

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenRegex();

    /// <summary>The page's HTML with entities decoded (Blazor encodes every non-ASCII character of dynamic text).</summary>
    public static async Task<string> TextoAsync(this HttpContent content) => WebUtility.HtmlDecode(await content.ReadAsStringAsync(Ct));

    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>Adds a comprobante of <paramref name="rfc"/> with a real XML (and optionally a PDF) in the store.</summary>
    public static async Task<Comprobante> AgregarComprobanteAsync(AppFactory app, string rfc, int emisorId = 0, string? serie = "F", string? folio = null,
        byte[]? pdf = null, DateTime? fecha = null, string tipo = "I")
    {
        var store = app.Services.GetRequiredService<IFileStore>();
        await using var db = app.CrearDb();
        if (emisorId == 0) emisorId = await db.Emisores.Where(e => e.Slug == "demo").Select(e => e.Id).SingleAsync(Ct);
        var uuid = Guid.NewGuid();
        var cuando = fecha ?? DateTime.Today.AddHours(10);
        folio ??= Random.Shared.Next(1, 999_999).ToString();
        var xml = Encoding.UTF8.GetBytes(CfdiDeEjemplo.Xml(DemoSeeder.EmisorRfc, DemoSeeder.EmisorNombre, rfc, "RECEPTOR DE PRUEBA", uuid, cuando,
            [new ConceptoEjemplo(1, "84111506", "Servicio de prueba", 1000m)], tipo, serie, folio));
        var x = await store.GuardarAsync(new MemoryStream(xml), "xml", Ct);
        var c = new Comprobante
        {
            EmisorId = emisorId, Uuid = uuid.ToString().ToUpperInvariant(), Version = "4.0", Serie = serie, Folio = folio,
            Fecha = cuando, FechaTimbrado = cuando.AddMinutes(3), Tipo = tipo, SubTotal = 1000m, Total = 1160m, Moneda = "MXN",
            ReceptorRfc = rfc, XmlKey = x.Key, XmlSize = x.Size, XmlSha256 = x.Sha256,
        };
        if (pdf is not null)
        {
            var p = await store.GuardarAsync(new MemoryStream(pdf), "pdf", Ct);
            (c.PdfKey, c.PdfSize, c.PdfSha256) = (p.Key, p.Size, p.Sha256);
        }
        db.Comprobantes.Add(c);
        await db.SaveChangesAsync(Ct);
        return c;
    }

    /// <summary>A PDF-looking file of random (incompressible, like a real PDF) bytes.</summary>
    public static byte[] PdfDePrueba(int tamano = 120_000)
    {
        var bytes = new byte[tamano];
        Random.Shared.NextBytes(bytes);
        "%PDF-1.7\n"u8.CopyTo(bytes);
        return bytes;
    }

    /// <summary>Waits (for a condition, not a time) until the background writer has stored what the test expects.</summary>
    public static async Task EsperarAsync(Func<Task<bool>> condicion, string que)
    {
        var limite = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (await condicion()) return;
            if (DateTime.UtcNow > limite) throw new TimeoutException($"No ocurrió: {que}");
            await Task.Delay(25, Ct);
        }
    }
}
