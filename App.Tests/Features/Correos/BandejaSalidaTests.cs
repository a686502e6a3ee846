using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Correos;
using AccesoDescargas.Infrastructure.Email;
using AccesoDescargas.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Microsoft.AspNetCore.TestHost;

namespace AccesoDescargas.Tests.Features.Correos;

/// <summary>The outbox end to end: the real background sender, a real SMTP server on loopback or the .eml folder.</summary>
public class BandejaSalidaTests
{
    private const int EmisorDemo = 1;
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task Con_el_servidor_smtp_caido_el_correo_espera_y_llega_una_sola_vez_cuando_vuelve()
    {
        await using var servidor = ServidorSmtp.Reservar();
        await using var app = new AppFactory(servidor.Ajustes);

        var id = await EncolarAsync(app, "carlos.cortes@ejemplo.mx", "Su contraseña del portal de descargas");
        var fallando = await EsperarFilaAsync(app, id, c => c.Intentos >= 1 && c.Estado == EstadoCorreo.Pendiente && c.UltimoError != null);
        Assert.NotNull(fallando.Contenido);

        await servidor.IniciarAsync();
        var recibido = await servidor.EsperarCorreoAsync(m => m.Subject == "Su contraseña del portal de descargas");
        var enviado = await EsperarFilaAsync(app, id, c => c.Estado == EstadoCorreo.Enviado);

        Assert.Equal("carlos.cortes@ejemplo.mx", recibido.To.Mailboxes.Single().Address);
        Assert.Contains("Contenido de prueba", recibido.TextBody);
        Assert.Single(servidor.Recibidos, m => m.Subject == "Su contraseña del portal de descargas");
        Assert.Null(enviado.Contenido);
        Assert.Null(enviado.UltimoError);
        Assert.NotNull(enviado.EnviadoEn);
    }

    [Fact]
    public async Task Sin_servidor_smtp_configurado_el_correo_se_escribe_como_eml_en_la_carpeta_de_datos()
    {
        await using var app = new AppFactory();

        var id = await EncolarAsync(app, "ana.castro@ejemplo.mx", "Comprobante A-15 de ESCUELA KEMPER URGATE");
        await EsperarFilaAsync(app, id, c => c.Estado == EstadoCorreo.Enviado);

        var archivo = Assert.Single(Directory.GetFiles(Path.Combine(app.DataDir, "mail"), "*.eml"));
        using var mensaje = await MimeMessage.LoadAsync(archivo, Ct);
        Assert.Equal("Comprobante A-15 de ESCUELA KEMPER URGATE", mensaje.Subject);
        Assert.Equal("ana.castro@ejemplo.mx", mensaje.To.Mailboxes.Single().Address);
    }

    [Fact]
    public async Task Un_correo_fallido_reintentado_desde_correos_enviados_se_entrega()
    {
        await using var servidor = ServidorSmtp.Reservar();
        await using var app = new AppFactory(new(servidor.Ajustes) { ["Outbox:IntentosMaximos"] = "1" });
        var correos = app.Services.CreateScope().ServiceProvider.GetRequiredService<CorreosService>();

        var id = await EncolarAsync(app, "compras@mci.ejemplo.mx", "Reintento manual");
        await EsperarFilaAsync(app, id, c => c.Estado == EstadoCorreo.Fallido);
        var fallidos = await correos.PaginaAsync(EmisorDemo, EstadoCorreo.Fallido, 0, 25, Ct);
        Assert.True(Assert.Single(fallidos.Filas).SePuedeReintentar);

        await servidor.IniciarAsync();
        Assert.False(await correos.ReintentarAsync(EmisorDemo + 1, id, new Actor("otro@emisor.mx", null), Ct));
        Assert.True(await correos.ReintentarAsync(EmisorDemo, id, new Actor(AppFactory.AdminEmail, "10.0.0.7"), Ct));

        await servidor.EsperarCorreoAsync(m => m.Subject == "Reintento manual");
        var enviado = await EsperarFilaAsync(app, id, c => c.Estado == EstadoCorreo.Enviado);
        Assert.Null(enviado.Contenido);
        Assert.False(await correos.ReintentarAsync(EmisorDemo, id, new Actor(AppFactory.AdminEmail, null), Ct));
        await using var db = app.CrearDb();
        var evento = await db.Eventos.SingleAsync(e => e.Que == "correo.reintentado", Ct);
        Assert.Equal((EmisorDemo, AppFactory.AdminEmail, "10.0.0.7"), (evento.EmisorId, evento.Quien, evento.Ip));
    }

    [Fact]
    public async Task La_lista_filtra_por_estado_y_solo_muestra_los_correos_del_emisor()
    {
        await using var app = new AppFactory(new() { ["Outbox:Sondeo"] = "01:00:00" });
        var correos = app.Services.CreateScope().ServiceProvider.GetRequiredService<CorreosService>();
        await using (var db = app.CrearDb())
        {
            db.Correos.AddRange(
                new CorreoSaliente { EmisorId = EmisorDemo, Para = "a@ejemplo.mx", Asunto = "Enviado", Tipo = "contrasena", Estado = EstadoCorreo.Enviado, EnviadoEn = DateTime.UtcNow },
                new CorreoSaliente { EmisorId = EmisorDemo, Para = "b@ejemplo.mx", Asunto = "Fallido", Tipo = "comprobante", Estado = EstadoCorreo.Fallido, Intentos = 12, UltimoError = "Connection refused" },
                new CorreoSaliente { EmisorId = EmisorDemo + 1, Para = "c@ejemplo.mx", Asunto = "De otro emisor", Tipo = "contrasena", Estado = EstadoCorreo.Fallido });
            await db.SaveChangesAsync(Ct);
        }

        var todos = await correos.PaginaAsync(EmisorDemo, null, 0, 25, Ct);
        var fallidos = await correos.PaginaAsync(EmisorDemo, EstadoCorreo.Fallido, 0, 25, Ct);

        Assert.Equal(["Fallido", "Enviado"], todos.Filas.Select(f => f.Asunto));
        Assert.Equal(["Fallido"], fallidos.Filas.Select(f => f.Asunto));
        Assert.False(todos.Filas.Single(f => f.Asunto == "Enviado").SePuedeReintentar);
    }

    [Fact]
    public async Task Un_correo_que_se_reenvia_tras_una_caida_lleva_el_mismo_message_id_para_que_el_receptor_descarte_el_duplicado()
    {
        var entrega = new EntregaQueSeCaeDespuesDeAceptar();
        await using var app = new AppFactory(new() { ["Outbox:ReintentoBase"] = "00:00:00.010", ["Outbox:Sondeo"] = "00:00:00.050" });
        await using var conEntrega = app.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IEntregaCorreo>(entrega)));

        var outbox = conEntrega.Services.GetRequiredService<Outbox>();
        long id;
        await using (var db = conEntrega.Services.GetRequiredService<IDbContextFactory<AccesoDescargas.Infrastructure.AppDbContext>>().CreateDbContext())
        {
            var fila = outbox.Encolar(db, new CorreoNuevo(EmisorDemo, "carlos.cortes@ejemplo.mx", "Duplicado", "<p>x</p>", "x", "contrasena"));
            await db.SaveChangesAsync(Ct);
            id = fila.Id;
        }
        outbox.Despertar();
        await Portal.Portal.EsperarAsync(() => Task.FromResult(entrega.Aceptados.Count >= 2), "el segundo envío del mismo correo");

        Assert.Equal(2, entrega.Aceptados.Count);
        Assert.Equal(entrega.Aceptados[0], entrega.Aceptados[1]);
        Assert.StartsWith($"correo-{id}.", entrega.Aceptados[0]);
    }

    /// <summary>The server accepts the message, then the app dies before recording it: the row is still pending.</summary>
    private sealed class EntregaQueSeCaeDespuesDeAceptar : IEntregaCorreo
    {
        public List<string> Aceptados { get; } = [];

        public Task EntregarAsync(MimeMessage mensaje, CancellationToken ct)
        {
            lock (Aceptados) Aceptados.Add(mensaje.MessageId ?? "");
            if (Aceptados.Count == 1) throw new IOException("La conexión se cortó después de que el servidor aceptó el mensaje.");
            return Task.CompletedTask;
        }
    }

    private static async Task<long> EncolarAsync(AppFactory app, string para, string asunto)
    {
        var outbox = app.Services.GetRequiredService<Outbox>();
        await using var db = app.CrearDb();
        var fila = outbox.Encolar(db, new CorreoNuevo(EmisorDemo, para, asunto, "<p>Contenido de prueba</p>", "Contenido de prueba", "contrasena", Rfc: "COSC8001137NA"));
        await db.SaveChangesAsync(Ct);
        outbox.Despertar();
        return fila.Id;
    }

    private static async Task<CorreoSaliente> EsperarFilaAsync(AppFactory app, long id, Func<CorreoSaliente, bool> condicion)
    {
        var limite = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using (var db = app.CrearDb())
            {
                var fila = await db.Correos.AsNoTracking().SingleAsync(c => c.Id == id, Ct);
                if (condicion(fila)) return fila;
                if (DateTime.UtcNow > limite)
                    Assert.Fail($"El correo {id} no llegó al estado esperado: {fila.Estado}, {fila.Intentos} intentos, error «{fila.UltimoError}».");
            }
            await Task.Delay(50, Ct);
        }
    }
}
