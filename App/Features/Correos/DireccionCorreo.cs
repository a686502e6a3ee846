using MimeKit;

namespace AccesoDescargas.Features.Correos;

public sealed record DireccionValidada(string? Direccion, string? Error)
{
    public bool EsValida => Error is null;
}

/// <summary>One recipient at a time: a list of addresses is refused, not silently cut to the first one.</summary>
public static class DireccionCorreo
{
    public const string MensajeVacia = "Escriba el correo electrónico.";
    public const string MensajeVarias = "Sólo puede enviarse un correo a la vez.";
    public const string MensajeNoValida = "El correo electrónico «{0}» no es válido.";

    public static DireccionValidada Validar(string? texto)
    {
        var valor = texto?.Trim() ?? "";
        if (valor.Length == 0) return new(null, MensajeVacia);
        if (valor.IndexOfAny([',', ';']) >= 0 || valor.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Count(p => p.Contains('@')) > 1)
            return new(null, MensajeVarias);
        if (valor.Length > 254
            || !MailboxAddress.TryParse(valor, out var buzon)
            || buzon.Address != valor
            || buzon.Address.Count(c => c == '@') != 1
            || buzon.Domain.Length == 0
            || !buzon.Domain.Contains('.')
            || buzon.Address.Any(char.IsWhiteSpace))
            return new(null, string.Format(MensajeNoValida, valor));
        return new(valor, null);
    }
}
