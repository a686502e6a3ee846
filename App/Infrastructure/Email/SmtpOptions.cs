namespace AccesoDescargas.Infrastructure.Email;

public sealed class SmtpOptions
{
    /// <summary>Empty: no SMTP server; messages are written as .eml files into {DataDirectory}/mail.</summary>
    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public string? User { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "AccesoDescargas <no-responder@localhost>";
    /// <summary>None, StartTls, StartTlsWhenAvailable or SslOnConnect (MailKit's SecureSocketOptions).</summary>
    public string Security { get; set; } = "StartTls";
}

public sealed class OutboxOptions
{
    /// <summary>How often the sender looks for due messages when nobody woke it.</summary>
    public TimeSpan Sondeo { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>First retry delay; it doubles on each failure up to <see cref="ReintentoMaximo"/>.</summary>
    public TimeSpan ReintentoBase { get; set; } = TimeSpan.FromSeconds(15);
    public TimeSpan ReintentoMaximo { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>After this many failed attempts the message is marked Fallido (it can still be retried by hand).</summary>
    public int IntentosMaximos { get; set; } = 12;
    /// <summary>At most this many delivery attempts in any minute (per instance), to stay within the SMTP provider's limits; 0: no limit.</summary>
    public int MensajesPorMinuto { get; set; } = 60;
    /// <summary>
    /// How long an instance holds a message it is delivering before another may take it (the SMTP
    /// client's own timeout is 30 s, so a live sender always finishes first).
    /// </summary>
    public TimeSpan Reclamo { get; set; } = TimeSpan.FromMinutes(2);
}
