using System.Globalization;

namespace AccesoDescargas.Fiscal;

/// <summary>Content of the QR code SAT requires on the printed representation (Anexo 20).</summary>
public static class CfdiQr
{
    public const string UrlVerificacion = "https://verificacfdi.facturaelectronica.sat.gob.mx/default.aspx";

    /// <exception cref="InvalidOperationException">The CFDI has no TimbreFiscalDigital, so there is no UUID to verify.</exception>
    public static string Url(CfdiDocumento doc)
    {
        var uuid = doc.Timbre?.Uuid ?? throw new InvalidOperationException("El CFDI no está timbrado: no tiene UUID para el código QR.");
        var re = Rfc(doc.Emisor.Rfc);
        var rr = Rfc(doc.Receptor.Rfc);

        // 3.2's Anexo 20 defined only the query string, with a zero-padded 10.6 total and id last.
        if (doc.Version == "3.2")
            return $"?re={re}&rr={rr}&tt={Decimales6(doc.Total).PadLeft(17, '0')}&id={uuid}";

        var sello = doc.Sello ?? "";
        var fe = sello.Length > 8 ? sello[^8..] : sello;
        return $"{UrlVerificacion}?id={uuid}&re={re}&rr={rr}&tt={Total(doc.Total)}&fe={fe}";
    }

    /// <summary>Six decimals with trailing zeros removed, keeping one: 1 → 1.0, 459.360000 → 459.36.</summary>
    public static string Total(decimal total)
    {
        var texto = Decimales6(total).TrimEnd('0');
        return texto.EndsWith('.') ? texto + "0" : texto;
    }

    static string Decimales6(decimal valor) =>
        Math.Round(valor, 6, MidpointRounding.AwayFromZero).ToString("0.000000", CultureInfo.InvariantCulture);

    static string Rfc(string rfc) => rfc.Replace("&", "&amp;");
}
