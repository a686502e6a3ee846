using System.Text;
using AccesoDescargas.Features.Correos;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace AccesoDescargas.Tests.Infrastructure;

/// <summary>The key ring lives in the database; an installation's keys from DataDirectory/keys are imported once.</summary>
public class ClavesDataProtectionTests
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Las_claves_de_la_carpeta_keys_se_importan_y_un_correo_cifrado_con_ellas_se_entrega()
    {
        var carpeta = Path.Combine(Path.GetTempPath(), "accesodescargas-tests", Guid.NewGuid().ToString("N"));
        try
        {
            // An installation from before this version: its key ring in DataDirectory/keys, and an outbox
            // body encrypted with it (as Outbox did: application name and purpose are the app's).
            var anterior = DataProtectionProvider.Create(new DirectoryInfo(Path.Combine(carpeta, "keys")), b => b.SetApplicationName("AccesoDescargas"));
            var cuerpo = anterior.CreateProtector("AccesoDescargas.Outbox.v1").Protect(Encoding.UTF8.GetBytes(
                """{"Html":"<p>Su contraseña: Clave2026Vieja</p>","Texto":"Su contraseña: Clave2026Vieja","Adjuntos":[]}"""));
            var archivoClave = Assert.Single(Directory.GetFiles(Path.Combine(carpeta, "keys"), "key-*.xml"));

            await using (var app = new AppFactory(new() { ["DataDirectory"] = carpeta }))
            {
                long id;
                await using (var db = app.CrearDb())
                {
                    var clave = Assert.Single(await db.DataProtectionKeys.ToListAsync(Ct));
                    Assert.Equal(Path.GetFileNameWithoutExtension(archivoClave), clave.FriendlyName);
                    var correo = new CorreoSaliente
                    {
                        EmisorId = 1, Para = "ana.castro@ejemplo.mx", Asunto = "Cifrado antes de la actualización", Tipo = "contrasena",
                        Contenido = cuerpo, SiguienteIntentoEn = DateTime.UtcNow,
                    };
                    db.Correos.Add(correo);
                    await db.SaveChangesAsync(Ct);
                    id = correo.Id;
                }
                app.Services.GetRequiredService<AccesoDescargas.Infrastructure.Email.Outbox>().Despertar();

                var eml = await EsperarAsync(() => Directory.Exists(Path.Combine(carpeta, "mail"))
                    ? Directory.GetFiles(Path.Combine(carpeta, "mail"), "*.eml").FirstOrDefault() : null);
                using var mensaje = await MimeMessage.LoadAsync(eml, Ct);
                Assert.Equal("Cifrado antes de la actualización", mensaje.Subject);
                Assert.Contains("Su contraseña: Clave2026Vieja", mensaje.TextBody);
                // The sender records the delivery just after the file lands: wait for that, not for a fixed time.
                await EsperarAsync(async () =>
                {
                    await using var otra = app.CrearDb();
                    return (await otra.Correos.SingleAsync(c => c.Id == id, Ct)).Estado == EstadoCorreo.Enviado ? "enviado" : null;
                }, "El correo se escribió pero no quedó como enviado en 30 s.");

                // What the app protects now, the old ring reads too: the same key, not a new one.
                var nuevo = app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("prueba").Protect("hola");
                Assert.Equal("hola", anterior.CreateProtector("prueba").Unprotect(nuevo));
            }

            // A second start finds the key imported already: still one.
            await using (var segunda = new AppFactory(new() { ["DataDirectory"] = carpeta }))
            {
                await using var db = segunda.CrearDb();
                Assert.Equal(1, await db.DataProtectionKeys.CountAsync(Ct));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(carpeta, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task Dos_instancias_sobre_la_misma_base_comparten_las_claves()
    {
        var carpeta = Path.Combine(Path.GetTempPath(), "accesodescargas-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using var una = new AppFactory(new() { ["DataDirectory"] = carpeta });
            var protegido = una.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("prueba").Protect("hola");
            await using var otra = new AppFactory(new() { ["DataDirectory"] = carpeta });

            Assert.Equal("hola", otra.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("prueba").Unprotect(protegido));
            await using var db = otra.CrearDb();
            Assert.Single(await db.DataProtectionKeys.ToListAsync(Ct));
            Assert.False(Directory.Exists(Path.Combine(carpeta, "keys")), "La clave nueva se guarda en la base, no en DataDirectory/keys.");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(carpeta, recursive: true); } catch (IOException) { }
        }
    }

    private static Task<string> EsperarAsync(Func<string?> condicion) =>
        EsperarAsync(() => Task.FromResult(condicion()), "El correo no se escribió en 30 s.");

    private static async Task<string> EsperarAsync(Func<Task<string?>> condicion, string mensaje)
    {
        var limite = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < limite)
        {
            if (await condicion() is { } valor) return valor;
            await Task.Delay(50, Ct);
        }
        throw new TimeoutException(mensaje);
    }
}
