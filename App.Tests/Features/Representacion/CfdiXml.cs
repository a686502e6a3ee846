using AccesoDescargas.Fiscal;
using System.Security;
using System.Text;
using AccesoDescargas.Features.Representacion;

namespace AccesoDescargas.Tests.Features.Representacion;

/// <summary>Hand-written CFDI documents for the tests; values are invented unless a test says otherwise.</summary>
internal static class CfdiXml
{
    public const string Uuid = "5D1F3A42-8C7B-4E19-A0D6-2B9E4F7C1A35";
    public const string RfcEmisor = "TAL010203AB4";
    public const string RfcReceptor = "PEGJ800101AB3";

    /// <summary>A base64-looking sello of realistic length ending in <paramref name="final"/>.</summary>
    public static string Sello(string final = "Xy9QkA==") => string.Concat(Enumerable.Repeat("Qm9sZXRvUGFnYWRv", 21)) + final;

    public static CfdiDocumento Leer(string xml) => CfdiReader.LeerDocumento(new MemoryStream(Encoding.UTF8.GetBytes(xml)));

    public static string Concepto40(string descripcion, string importe = "1034.91", string? descuento = null) =>
        $"""
        <cfdi:Concepto ClaveProdServ="81112100" Cantidad="1" ClaveUnidad="E48" Unidad="Servicio" Descripcion="{SecurityElement.Escape(descripcion)}"
            ValorUnitario="{importe}" Importe="{importe}" {(descuento is null ? "" : $"Descuento=\"{descuento}\"")} ObjetoImp="02">
          <cfdi:Impuestos>
            <cfdi:Traslados><cfdi:Traslado Base="{importe}" Impuesto="002" TipoFactor="Tasa" TasaOCuota="0.160000" Importe="1.00"/></cfdi:Traslados>
          </cfdi:Impuestos>
        </cfdi:Concepto>
        """;

    public static string Tfd11(string uuid = Uuid, string? leyenda = null, string rfcProvCertif = "SAT970701NN3") =>
        $"""
        <tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" Version="1.1" UUID="{uuid}"
            FechaTimbrado="2024-05-10T12:00:05" RfcProvCertif="{rfcProvCertif}" {(leyenda is null ? "" : $"Leyenda=\"{leyenda}\"")}
            SelloCFD="{Sello()}" NoCertificadoSAT="00001000000712345678" SelloSAT="{Sello("SaTsELLo")}"/>
        """;

    public static string Cfdi40(
        string total = "1200.50",
        string? conceptos = null,
        string? timbre = null,
        string tipo = "I",
        string rfcEmisor = RfcEmisor,
        string rfcReceptor = RfcReceptor,
        string? sello = null,
        string complemento = "",
        string addenda = "") =>
        $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/4" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
            Version="4.0" Serie="F" Folio="1024" Fecha="2024-05-10T11:58:31" FormaPago="03" NoCertificado="00001000000512345670"
            SubTotal="1034.91" Descuento="0.00" Moneda="MXN" Total="{total}" TipoDeComprobante="{tipo}" Exportacion="01" MetodoPago="PUE"
            LugarExpedicion="64000" Sello="{sello ?? Sello()}">
          <cfdi:CfdiRelacionados TipoRelacion="04">
            <cfdi:CfdiRelacionado UUID="0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"/>
          </cfdi:CfdiRelacionados>
          <cfdi:Emisor Rfc="{SecurityElement.Escape(rfcEmisor)}" Nombre="TALLERES ALFA" RegimenFiscal="601"/>
          <cfdi:Receptor Rfc="{SecurityElement.Escape(rfcReceptor)}" Nombre="JUAN PÉREZ GÓMEZ" DomicilioFiscalReceptor="06700"
              RegimenFiscalReceptor="612" UsoCFDI="G03"/>
          <cfdi:Conceptos>
            {conceptos ?? Concepto40("Mantenimiento preventivo de compresor")}
          </cfdi:Conceptos>
          <cfdi:Impuestos TotalImpuestosTrasladados="165.59" TotalImpuestosRetenidos="0.00">
            <cfdi:Retenciones><cfdi:Retencion Impuesto="001" Importe="0.00"/></cfdi:Retenciones>
            <cfdi:Traslados><cfdi:Traslado Base="1034.91" Impuesto="002" TipoFactor="Tasa" TasaOCuota="0.160000" Importe="165.59"/></cfdi:Traslados>
          </cfdi:Impuestos>
          <cfdi:Complemento>
            {complemento}
            {timbre ?? Tfd11()}
          </cfdi:Complemento>
          {addenda}
        </cfdi:Comprobante>
        """;

    public static string Cfdi33(string uuid, string rfcEmisor, string rfcReceptor, string total, string sello) =>
        $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/3" Version="3.3" Serie="B" Folio="77" Fecha="2018-03-01T09:00:00"
            FormaPago="01" SubTotal="{total}" Moneda="MXN" Total="{total}" TipoDeComprobante="I" MetodoPago="PUE" LugarExpedicion="44100"
            NoCertificado="00001000000401234567" Sello="{sello}">
          <cfdi:Emisor Rfc="{rfcEmisor}" Nombre="COMERCIAL DEL BAJÍO" RegimenFiscal="601"/>
          <cfdi:Receptor Rfc="{rfcReceptor}" UsoCFDI="G01"/>
          <cfdi:Conceptos>
            <cfdi:Concepto ClaveProdServ="50202306" Cantidad="3" ClaveUnidad="H87" Descripcion="Caja de refrescos" ValorUnitario="1.00" Importe="3.00"/>
          </cfdi:Conceptos>
          <cfdi:Complemento>
            <tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" Version="1.1" UUID="{uuid}"
                FechaTimbrado="2018-03-01T09:01:00" RfcProvCertif="SAT970701NN3" SelloCFD="{sello}" NoCertificadoSAT="00001000000403258748"
                SelloSAT="{Sello()}"/>
          </cfdi:Complemento>
        </cfdi:Comprobante>
        """;

    public const string Uuid32 = "9E4C1B7A-2F3D-4A5B-8C6D-7E8F9A0B1C2D";

    public static string Cfdi32() =>
        $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/3" version="3.2" serie="A" folio="315" fecha="2016-08-20T10:30:00"
            sello="{Sello("Tr32fInL")}" formaDePago="Pago en una sola exhibición" noCertificado="00001000000301234567" subTotal="862.07"
            total="1000.00" metodoDePago="01" tipoDeComprobante="ingreso" Moneda="MXN" TipoCambio="1.00" LugarExpedicion="MONTERREY, NUEVO LEÓN">
          <cfdi:Emisor rfc=" {RfcEmisor}" nombre="TALLERES ALFA SA DE CV">
            <cfdi:DomicilioFiscal calle="AV. CONSTITUCIÓN" municipio="MONTERREY" estado="NUEVO LEÓN" pais="México" codigoPostal="64000"/>
            <cfdi:RegimenFiscal Regimen="Régimen General de Ley Personas Morales"/>
          </cfdi:Emisor>
          <cfdi:Receptor rfc="XAXX010101000" nombre="PÚBLICO EN GENERAL"/>
          <cfdi:Conceptos>
            <cfdi:Concepto cantidad="2" unidad="PIEZA" noIdentificacion="BAL-01" descripcion="BALATAS DELANTERAS" valorUnitario="431.035" importe="862.07"/>
          </cfdi:Conceptos>
          <cfdi:Impuestos totalImpuestosTrasladados="137.93">
            <cfdi:Traslados><cfdi:Traslado impuesto="IVA" tasa="16.00" importe="137.93"/></cfdi:Traslados>
          </cfdi:Impuestos>
          <cfdi:Complemento>
            <tfd:TimbreFiscalDigital xmlns:tfd="http://www.sat.gob.mx/TimbreFiscalDigital" version="1.0" UUID="{Uuid32}"
                FechaTimbrado="2016-08-20T10:31:12" selloCFD="{Sello("Tr32fInL")}" noCertificadoSAT="00001000000301234599" selloSAT="{Sello("sAt32xYz")}"/>
          </cfdi:Complemento>
        </cfdi:Comprobante>
        """;

    public const string DoctoPagado1 = "3F2E1D0C-BA98-4765-8432-10FEDCBA9876";
    public const string DoctoPagado2 = "7A6B5C4D-3E2F-4109-8A7B-6C5D4E3F2A1B";

    /// <summary>CFDI 4.0 tipo P with Pagos 2.0: one pago of 15,000.00 covering two invoices.</summary>
    public static string Pago20() => Cfdi40(
        total: "0",
        tipo: "P",
        conceptos: """<cfdi:Concepto ClaveProdServ="84111506" Cantidad="1" ClaveUnidad="ACT" Descripcion="Pago" ValorUnitario="0" Importe="0" ObjetoImp="01"/>""",
        complemento: $"""
            <pago20:Pagos xmlns:pago20="http://www.sat.gob.mx/Pagos20" Version="2.0">
              <pago20:Totales MontoTotalPagos="15000.00" TotalTrasladosBaseIVA16="12931.03" TotalTrasladosImpuestoIVA16="2068.97"/>
              <pago20:Pago FechaPago="2024-05-09T16:20:00" FormaDePagoP="03" MonedaP="MXN" TipoCambioP="1" Monto="15000.00" NumOperacion="REF-88231">
                <pago20:DoctoRelacionado IdDocumento="{DoctoPagado1}" Serie="F" Folio="1001" MonedaDR="MXN" EquivalenciaDR="1" NumParcialidad="1"
                    ImpSaldoAnt="10000.00" ImpPagado="10000.00" ImpSaldoInsoluto="0.00" ObjetoImpDR="02">
                  <pago20:ImpuestosDR><pago20:TrasladosDR>
                    <pago20:TrasladoDR BaseDR="8620.69" ImpuestoDR="002" TipoFactorDR="Tasa" TasaOCuotaDR="0.160000" ImporteDR="1379.31"/>
                  </pago20:TrasladosDR></pago20:ImpuestosDR>
                </pago20:DoctoRelacionado>
                <pago20:DoctoRelacionado IdDocumento="{DoctoPagado2}" Serie="F" Folio="1002" MonedaDR="MXN" EquivalenciaDR="1" NumParcialidad="2"
                    ImpSaldoAnt="8000.00" ImpPagado="5000.00" ImpSaldoInsoluto="3000.00" ObjetoImpDR="01"/>
              </pago20:Pago>
            </pago20:Pagos>
            """);

    /// <summary>CFDI 3.3 tipo P with Pagos 1.0.</summary>
    public static string Pago10() =>
        $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <cfdi:Comprobante xmlns:cfdi="http://www.sat.gob.mx/cfd/3" Version="3.3" Serie="P" Folio="12" Fecha="2019-07-01T10:00:00"
            SubTotal="0" Moneda="XXX" Total="0" TipoDeComprobante="P" LugarExpedicion="64000" NoCertificado="00001000000401234567" Sello="{Sello()}">
          <cfdi:Emisor Rfc="{RfcEmisor}" Nombre="TALLERES ALFA" RegimenFiscal="601"/>
          <cfdi:Receptor Rfc="{RfcReceptor}" UsoCFDI="P01"/>
          <cfdi:Conceptos>
            <cfdi:Concepto ClaveProdServ="84111506" Cantidad="1" ClaveUnidad="ACT" Descripcion="Pago" ValorUnitario="0" Importe="0"/>
          </cfdi:Conceptos>
          <cfdi:Complemento>
            <pago10:Pagos xmlns:pago10="http://www.sat.gob.mx/Pagos" Version="1.0">
              <pago10:Pago FechaPago="2019-06-28T12:00:00" FormaDePagoP="02" MonedaP="USD" TipoCambioP="19.1234" Monto="250.00">
                <pago10:DoctoRelacionado IdDocumento="{DoctoPagado1}" MonedaDR="USD" MetodoDePagoDR="PPD" NumParcialidad="3"
                    ImpSaldoAnt="750.00" ImpPagado="250.00" ImpSaldoInsoluto="500.00"/>
              </pago10:Pago>
            </pago10:Pagos>
            {Tfd11()}
          </cfdi:Complemento>
        </cfdi:Comprobante>
        """;
}
