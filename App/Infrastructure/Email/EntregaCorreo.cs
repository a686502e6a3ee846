using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace AccesoDescargas.Infrastructure.Email;

/// <summary>The last hop of an email: an SMTP server, or a folder of .eml files when none is configured.</summary>
public interface IEntregaCorreo
{
    Task EntregarAsync(MimeMessage mensaje, CancellationToken ct);
}

public sealed class EntregaSmtp(IOptions<SmtpOptions> options) : IEntregaCorreo
{
    public async Task EntregarAsync(MimeMessage mensaje, CancellationToken ct)
    {
        var o = options.Value;
        using var smtp = new SmtpClient { Timeout = 30_000 };
        // Registered only when Smtp:Host is set.
        await smtp.ConnectAsync(o.Host!, o.Port, Enum.Parse<SecureSocketOptions>(o.Security, ignoreCase: true), ct);
        if (!string.IsNullOrEmpty(o.User))
            await smtp.AuthenticateAsync(o.User, o.Password ?? "", ct);
        await smtp.SendAsync(mensaje, ct);
        await smtp.DisconnectAsync(quit: true, ct);
    }
}

/// <summary>Writes each message as {DataDirectory}/mail/*.eml (temporary file, then rename), for local runs.</summary>
public sealed class EntregaCarpeta(DataDirectory data) : IEntregaCorreo
{
    public string Carpeta { get; } = data.Combine("mail");

    public async Task EntregarAsync(MimeMessage mensaje, CancellationToken ct)
    {
        Directory.CreateDirectory(Carpeta);
        var nombre = $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}.eml";
        var temporal = Path.Combine(Carpeta, nombre + ".tmp");
        await using (var archivo = File.Create(temporal))
            await mensaje.WriteToAsync(archivo, ct);
        File.Move(temporal, Path.Combine(Carpeta, nombre));
    }
}
