using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using AccesoDescargas.Receptores;

namespace AccesoDescargas.Tests.Infrastructure;

/// <summary>What the app does on a real installation: settings it refuses to start without, files only its user can read.</summary>
public class ArranqueProduccionTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private const UnixFileMode Privado = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode CarpetaPrivada = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    [Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // it stops before opening any database
    public async Task En_produccion_sin_url_publica_la_aplicacion_no_arranca_y_dice_por_que()
    {
        var carpeta = Directory.CreateTempSubdirectory("accesodescargas-arranque-").FullName;
        try
        {
            var inicio = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "AccesoDescargas.dll")])
            {
                WorkingDirectory = carpeta,
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            inicio.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            inicio.Environment["DataDirectory"] = Path.Combine(carpeta, "datos");
            inicio.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
            inicio.Environment.Remove("UrlPublica");
            using var proceso = Process.Start(inicio)!;
            var error = proceso.StandardError.ReadToEndAsync(Ct);
            var salida = proceso.StandardOutput.ReadToEndAsync(Ct);
            await proceso.WaitForExitAsync(Ct);

            Assert.Equal(1, proceso.ExitCode);
            Assert.Equal(UrlPublica.MensajeFalta, (await error).Trim());
            Assert.DoesNotContain("Now listening", await salida);
        }
        finally { Directory.Delete(carpeta, recursive: true); }
    }

    [Fact]
    public async Task En_produccion_los_enlaces_de_los_correos_salen_de_la_url_publica_aunque_el_host_sea_otro()
    {
        await using var app = AppProduccion.Crear();
        var client = app.CreateClient(new() { BaseAddress = new Uri("https://atacante.example"), AllowAutoRedirect = false });

        var r = await client.GetAsync("/Account/Login", Ct);

        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Equal("https://descargas.example.mx/", app.Services.GetRequiredService<UrlPublica>().Base("https://atacante.example/"));
    }

    [Fact]
    public async Task Demo_seed_no_siembra_nada_fuera_de_development()
    {
        await using var app = AppProduccion.Crear(new() { ["Demo:Seed"] = "true" });
        await app.CreateClient().GetAsync("/Account/Login", Ct);

        await using var db = app.CrearDb();
        Assert.False(await db.Emisores.AnyAsync(Ct));
        Assert.False(await db.Users.AnyAsync(Ct));
    }

    [Fact]
    [Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // SQLite's own files; PostgreSQL's live in its server
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task La_base_de_datos_con_las_claves_solo_la_puede_leer_el_usuario_de_la_aplicacion()
    {
        await using var app = new AppFactory();
        await app.CreateClient().GetAsync("/Account/Login", Ct); // the antiforgery token makes the first key

        Assert.Equal(CarpetaPrivada, File.GetUnixFileMode(app.DataDir));
        Assert.Equal(Privado, File.GetUnixFileMode(Path.Combine(app.DataDir, "accesodescargas.db")));
        Assert.Equal(Privado, File.GetUnixFileMode(Path.Combine(app.DataDir, "accesodescargas.db-wal")));
        await using var db = app.CrearDb();
        Assert.True(await db.DataProtectionKeys.AnyAsync(Ct), "El anillo de claves vive en la base (privada), no en archivos sueltos.");
        Assert.False(Directory.Exists(Path.Combine(app.DataDir, "keys")));
    }

    [Fact]
    public async Task Con_un_certificado_configurado_las_claves_se_guardan_cifradas_y_otra_instancia_las_lee()
    {
        var carpeta = Directory.CreateTempSubdirectory("accesodescargas-cert-").FullName;
        try
        {
            using var rsa = RSA.Create(2048);
            var solicitud = new CertificateRequest("CN=AccesoDescargas claves", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificado = solicitud.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            var pfx = Path.Combine(carpeta, "claves.pfx");
            await File.WriteAllBytesAsync(pfx, certificado.Export(X509ContentType.Pfx, "secreto"), Ct);
            var ajustes = new Dictionary<string, string?> { ["DataProtection:Certificado"] = pfx, ["DataProtection:CertificadoContrasena"] = "secreto" };

            await using var primera = new AppFactory(ajustes);
            var protegido = primera.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("prueba").Protect("contenido del correo");

            string clave;
            await using (var db = primera.CrearDb())
                clave = Assert.Single(await db.DataProtectionKeys.Select(k => k.Xml).ToListAsync(Ct))!;
            Assert.Contains("EncryptedXmlDecryptor", clave);
            Assert.DoesNotContain("<value>", clave); // the master key in clear

            await using var segunda = new AppFactory(new(ajustes) { ["DataDirectory"] = primera.DataDir }, seed: false);
            Assert.Equal("contenido del correo", segunda.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("prueba").Unprotect(protegido));
        }
        finally { Directory.Delete(carpeta, recursive: true); }
    }
}
