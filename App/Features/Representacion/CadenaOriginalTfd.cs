using AccesoDescargas.Fiscal;
using System.Text.RegularExpressions;

namespace AccesoDescargas.Features.Representacion;

/// <summary>Cadena original del complemento de certificación digital del SAT (what SelloSAT signs).</summary>
public static partial class CadenaOriginalTfd
{
    /// <exception cref="InvalidOperationException">The CFDI has no TimbreFiscalDigital.</exception>
    public static string De(CfdiDocumento doc)
    {
        var t = doc.Timbre ?? throw new InvalidOperationException("El CFDI no está timbrado: no tiene cadena original del timbre.");
        string[] campos = t.Version == "1.0"
            ? [t.Version, t.Uuid, t.FechaTimbrado, t.SelloCfd, t.NoCertificadoSat]
            : t.Leyenda is null
                ? [t.Version, t.Uuid, t.FechaTimbrado, t.RfcProvCertif ?? "", t.SelloCfd, t.NoCertificadoSat]
                : [t.Version, t.Uuid, t.FechaTimbrado, t.RfcProvCertif ?? "", t.Leyenda, t.SelloCfd, t.NoCertificadoSat];
        return "||" + string.Join('|', campos.Select(Colapsar)) + "||";
    }

    static string Colapsar(string valor) => Espacios().Replace(valor, " ").Trim();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Espacios();
}
