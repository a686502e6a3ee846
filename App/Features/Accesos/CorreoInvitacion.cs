using System.Net;
using AccesoDescargas.Components;

namespace AccesoDescargas.Features.Accesos;

/// <summary>The emails that carry a single-use link to choose a password: an invitation, or a reset the receptor asked for.</summary>
public static class CorreoInvitacion
{
    public static (string Asunto, string Html, string Texto) Crear(string emisor, string rfc, string enlace, DateTime venceUtc) =>
        Armar($"Invitación al portal de descargas de {emisor}", emisor, rfc, enlace, venceUtc,
            $"{emisor} le invita a su portal de descargas, donde puede consultar y descargar en PDF y XML los comprobantes fiscales (CFDI) que le ha emitido.",
            "Elegir mi contraseña",
            "Si no esperaba esta invitación, puede ignorar este correo.");

    public static (string Asunto, string Html, string Texto) Restablecer(string emisor, string rfc, string enlace, DateTime venceUtc) =>
        Armar($"Restablecer su contraseña del portal de descargas de {emisor}", emisor, rfc, enlace, venceUtc,
            $"Recibimos una solicitud para restablecer la contraseña de su acceso al portal de descargas de {emisor}.",
            "Elegir una nueva contraseña",
            "Si usted no lo solicitó, ignore este correo: su contraseña actual sigue funcionando.");

    private static (string, string, string) Armar(string asunto, string emisor, string rfc, string enlace, DateTime venceUtc, string intro, string boton, string pie)
    {
        static string H(string v) => WebUtility.HtmlEncode(v);
        var vence = venceUtc.AHoraMexico().ToString("dd/MM/yyyy HH:mm", UiExtensions.Cultura);
        var html = $"""
            <!DOCTYPE html>
            <html lang="es-MX"><body style="font-family:Arial,Helvetica,sans-serif;color:#1f2933;line-height:1.5">
            <h2 style="color:#0f5f8c;margin:0 0 12px">Portal de descargas de {H(emisor)}</h2>
            <p>{H(intro)}</p>
            <p>RFC: <b>{H(rfc)}</b></p>
            <p><a href="{H(enlace)}" style="display:inline-block;background:#0f5f8c;color:#fff;padding:10px 18px;border-radius:4px;text-decoration:none">{H(boton)}</a></p>
            <p style="font-size:13px;color:#52606d">Si el botón no funciona, copie esta dirección en su navegador:<br>{H(enlace)}</p>
            <p style="font-size:13px;color:#52606d">El enlace sirve una sola vez y vence el {H(vence)} (hora del centro de México). {H(pie)}</p>
            </body></html>
            """;
        var texto = $"""
            Portal de descargas de {emisor}

            {intro}

            RFC: {rfc}

            {boton}: {enlace}

            El enlace sirve una sola vez y vence el {vence} (hora del centro de México). {pie}
            """;
        return (asunto, html, texto);
    }
}
