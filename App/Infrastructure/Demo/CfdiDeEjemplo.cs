using System.Globalization;
using System.Security;
using System.Text;
using AccesoDescargas.Fiscal;

namespace AccesoDescargas.Infrastructure.Demo;

public sealed record ConceptoEjemplo(decimal Cantidad, string ClaveProdServ, string Descripcion, decimal ValorUnitario);

/// <summary>
/// Writes a realistic, stamped-looking CFDI 4.0 (with TimbreFiscalDigital) for demo data, tests and
/// benchmarks. The seals are random, not cryptographic: these are not fiscal documents.
/// </summary>
public static class CfdiDeEjemplo
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Xml(
        string emisorRfc, string emisorNombre, string receptorRfc, string receptorNombre,
        Guid uuid, DateTime fecha, IReadOnlyList<ConceptoEjemplo> conceptos,
        string tipo = "I", string? serie = "A", string? folio = "1", string moneda = "MXN")
    {
        var subtotal = conceptos.Sum(c => Math.Round(c.Cantidad * c.ValorUnitario, 2));
        var iva = tipo is "I" or "E" ? Math.Round(subtotal * 0.16m, 2) : 0m;
        var total = subtotal + iva;
        var rnd = new Random(uuid.GetHashCode());
        string Sello(int bytes) { var b = new byte[bytes]; rnd.NextBytes(b); return Convert.ToBase64String(b); }
        static string A(string v) => SecurityElement.Escape(v);
        string M(decimal v) => v.ToString("0.00", Inv);

        var sb = new StringBuilder();
        sb.Append("""<?xml version="1.0" encoding="UTF-8"?>""").Append('\n');
        sb.Append("""<cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://www.sat.gob.mx/cfd/4 http://www.sat.gob.mx/sitio_internet/cfd/4/cfdv40.xsd" Version="4.0" """);
        if (serie is not null) sb.Append($"""Serie="{A(serie)}" """);
        if (folio is not null) sb.Append($"""Folio="{A(folio)}" """);
        sb.Append($"""Fecha="{fecha:yyyy-MM-ddTHH:mm:ss}" FormaPago="03" NoCertificado="30001000000500003416" SubTotal="{M(subtotal)}" Moneda="{moneda}" """);
        if (moneda != "MXN") sb.Append("""TipoCambio="17.2500" """);
        sb.Append($"""Total="{M(total)}" TipoDeComprobante="{tipo}" Exportacion="01" MetodoPago="PUE" LugarExpedicion="42501" Sello="{Sello(256)}" Certificado="{Sello(96)}">""").Append('\n');
        sb.Append($"""  <cfdi:Emisor Rfc="{A(emisorRfc)}" Nombre="{A(emisorNombre)}" RegimenFiscal="601"/>""").Append('\n');
        sb.Append($"""  <cfdi:Receptor Rfc="{A(receptorRfc)}" Nombre="{A(receptorNombre)}" DomicilioFiscalReceptor="64000" RegimenFiscalReceptor="601" UsoCFDI="G03"/>""").Append('\n');
        sb.Append("  <cfdi:Conceptos>\n");
        foreach (var c in conceptos)
        {
            var importe = Math.Round(c.Cantidad * c.ValorUnitario, 2);
            sb.Append($"""    <cfdi:Concepto ClaveProdServ="{c.ClaveProdServ}" Cantidad="{c.Cantidad.ToString("0.##", Inv)}" ClaveUnidad="E48" Unidad="Servicio" Descripcion="{A(c.Descripcion)}" ValorUnitario="{M(c.ValorUnitario)}" Importe="{M(importe)}" ObjetoImp="02">""").Append('\n');
            if (iva > 0)
                sb.Append($"""      <cfdi:Impuestos><cfdi:Traslados><cfdi:Traslado Base="{M(importe)}" Impuesto="002" TipoFactor="Tasa" TasaOCuota="0.160000" Importe="{M(Math.Round(importe * 0.16m, 2))}"/></cfdi:Traslados></cfdi:Impuestos>""").Append('\n');
            sb.Append("    </cfdi:Concepto>\n");
        }
        sb.Append("  </cfdi:Conceptos>\n");
        if (iva > 0)
            sb.Append($"""  <cfdi:Impuestos TotalImpuestosTrasladados="{M(iva)}"><cfdi:Traslados><cfdi:Traslado Base="{M(subtotal)}" Impuesto="002" TipoFactor="Tasa" TasaOCuota="0.160000" Importe="{M(iva)}"/></cfdi:Traslados></cfdi:Impuestos>""").Append('\n');
        sb.Append($"""  <cfdi:Complemento><tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" Version="1.1" UUID="{uuid.ToString().ToUpperInvariant()}" FechaTimbrado="{fecha.AddMinutes(3):yyyy-MM-ddTHH:mm:ss}" RfcProvCertif="SAT970701NN3" SelloCFD="{Sello(256)}" NoCertificadoSAT="30001000000500003456" SelloSAT="{Sello(256)}"/></cfdi:Complemento>""").Append('\n');
        sb.Append("</cfdi:Comprobante>\n");
        return sb.ToString();
    }
}
