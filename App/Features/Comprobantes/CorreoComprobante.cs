using System.Globalization;
using System.Net;

namespace AccesoDescargas.Features.Comprobantes;

/// <summary>The email that carries a comprobante, in Spanish, as HTML and plain text.</summary>
public static class CorreoComprobante
{
    public static (string Asunto, string Html, string Texto) Crear(string emisor, Comprobante c, string enlace, bool conPdf)
    {
        var tipo = ComprobantesService.Tipos.GetValueOrDefault(c.Tipo, c.Tipo).ToLower(CultureInfo.GetCultureInfo("es-MX"));
        var serieFolio = $"{c.Serie}{(c.Serie is not null && c.Folio is not null ? "-" : "")}{c.Folio}";
        var nombre = serieFolio.Length > 0 ? serieFolio : c.Uuid;
        var asunto = $"Comprobante fiscal {nombre} de {emisor}";
        var fecha = c.Fecha.ToString("d 'de' MMMM 'de' yyyy", CultureInfo.GetCultureInfo("es-MX"));
        var importe = ComprobantesService.Importe(c.Total, c.Moneda);
        var adjuntos = conPdf ? "el XML y el PDF" : "el XML";
        string H(string v) => WebUtility.HtmlEncode(v);
        var html = $"""
            <!DOCTYPE html>
            <html lang="es-MX"><body style="font-family:Arial,Helvetica,sans-serif;color:#1f2933;line-height:1.5">
            <h2 style="color:#0f5f8c;margin:0 0 12px">{H(emisor)} le envía un comprobante fiscal</h2>
            <p>Adjuntamos {adjuntos} del comprobante de {H(tipo)} que {H(emisor)} emitió a {H(c.ReceptorNombre ?? c.ReceptorRfc)}.</p>
            <table style="border-collapse:collapse;margin:16px 0">
              <tr><td style="padding:4px 12px 4px 0;color:#52606d">Serie y folio</td><td style="padding:4px 0"><b>{H(serieFolio.Length > 0 ? serieFolio : "—")}</b></td></tr>
              <tr><td style="padding:4px 12px 4px 0;color:#52606d">Fecha</td><td style="padding:4px 0">{H(fecha)}</td></tr>
              <tr><td style="padding:4px 12px 4px 0;color:#52606d">Total</td><td style="padding:4px 0"><b>{H(importe)}</b></td></tr>
              <tr><td style="padding:4px 12px 4px 0;color:#52606d">RFC del receptor</td><td style="padding:4px 0">{H(c.ReceptorRfc)}</td></tr>
              <tr><td style="padding:4px 12px 4px 0;color:#52606d">Folio fiscal (UUID)</td><td style="padding:4px 0;font-family:Consolas,monospace">{H(c.Uuid)}</td></tr>
            </table>
            <p>También puede consultar y descargar este y sus demás comprobantes en el portal de descargas de {H(emisor)}:</p>
            <p><a href="{H(enlace)}" style="display:inline-block;background:#0f5f8c;color:#fff;padding:10px 18px;border-radius:4px;text-decoration:none">Entrar al portal de descargas</a></p>
            <p style="font-size:13px;color:#52606d">Si el botón no funciona, copie esta dirección en su navegador:<br>{H(enlace)}</p>
            </body></html>
            """;
        var texto = $"""
            {emisor} le envía un comprobante fiscal

            Adjuntamos {adjuntos} del comprobante de {tipo} que {emisor} emitió a {c.ReceptorNombre ?? c.ReceptorRfc}.

            Serie y folio: {(serieFolio.Length > 0 ? serieFolio : "—")}
            Fecha: {fecha}
            Total: {importe}
            RFC del receptor: {c.ReceptorRfc}
            Folio fiscal (UUID): {c.Uuid}

            Consulte y descargue sus comprobantes en el portal de descargas de {emisor}:
            {enlace}
            """;
        return (asunto, html, texto);
    }
}
