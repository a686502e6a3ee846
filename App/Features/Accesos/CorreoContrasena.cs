using System.Net;

namespace AccesoDescargas.Features.Accesos;

/// <summary>The email that carries a receptor's portal password, in Spanish, as HTML and plain text.</summary>
public static class CorreoContrasena
{
    public static (string Asunto, string Html, string Texto) Crear(string emisor, string rfc, string contrasena, string enlace)
    {
        var asunto = $"Su acceso al portal de descargas de {emisor}";
        string H(string v) => WebUtility.HtmlEncode(v);
        var html = $"""
            <!DOCTYPE html>
            <html lang="es-MX"><body style="font-family:Arial,Helvetica,sans-serif;color:#1f2933;line-height:1.5">
            <h2 style="color:#0f5f8c;margin:0 0 12px">Portal de descargas de {H(emisor)}</h2>
            <p>En el portal puede consultar y descargar en PDF y XML los comprobantes fiscales (CFDI) que {H(emisor)} le ha emitido.</p>
            <table style="border-collapse:collapse;margin:16px 0">
              <tr><td style="padding:4px 12px 4px 0;color:#52606d">RFC</td><td style="padding:4px 0"><b>{H(rfc)}</b></td></tr>
              <tr><td style="padding:4px 12px 4px 0;color:#52606d">Contraseña</td><td style="padding:4px 0"><b style="font-family:Consolas,monospace;font-size:16px">{H(contrasena)}</b></td></tr>
            </table>
            <p><a href="{H(enlace)}" style="display:inline-block;background:#0f5f8c;color:#fff;padding:10px 18px;border-radius:4px;text-decoration:none">Entrar al portal de descargas</a></p>
            <p style="font-size:13px;color:#52606d">Si el botón no funciona, copie esta dirección en su navegador:<br>{H(enlace)}</p>
            <p style="font-size:13px;color:#52606d">Esta contraseña sustituye a cualquier otra que le hayamos enviado antes. Puede cambiarla dentro del portal.</p>
            </body></html>
            """;
        var texto = $"""
            Portal de descargas de {emisor}

            En el portal puede consultar y descargar en PDF y XML los comprobantes fiscales (CFDI) que {emisor} le ha emitido.

            RFC: {rfc}
            Contraseña: {contrasena}

            Entre aquí: {enlace}

            Esta contraseña sustituye a cualquier otra que le hayamos enviado antes. Puede cambiarla dentro del portal.
            """;
        return (asunto, html, texto);
    }
}
