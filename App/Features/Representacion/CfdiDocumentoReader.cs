using AccesoDescargas.Infrastructure;
using System.Globalization;
using System.Xml;

namespace AccesoDescargas.Features.Representacion;

/// <summary>
/// Reads a CFDI 3.2, 3.3 or 4.0 in one forward pass. Addendas and complementos other than
/// TimbreFiscalDigital and Pagos are skipped, never rejected.
/// </summary>
public static class CfdiDocumentoReader
{
    public const long TamanoMaximo = 5 * 1024 * 1024;

    const string Cfd3 = "http://www.sat.gob.mx/cfd/3";
    const string Cfd4 = "http://www.sat.gob.mx/cfd/4";
    const string Tfd = "http://www.sat.gob.mx/TimbreFiscalDigital";
    const string Pagos10 = "http://www.sat.gob.mx/Pagos";
    const string Pagos20 = "http://www.sat.gob.mx/Pagos20";

    /// <exception cref="InvalidDataException">Not well-formed, not a CFDI, over <see cref="TamanoMaximo"/> bytes, or a required number is missing or malformed.</exception>
    public static CfdiDocumento Leer(Stream xml)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            IgnoreComments = true,
            IgnoreWhitespace = true,
            IgnoreProcessingInstructions = true,
        };
        try
        {
            using var reader = XmlReader.Create(new FlujoLimitado(xml, TamanoMaximo, () => new InvalidDataException($"El XML excede el tamaño máximo de {TamanoMaximo / (1024 * 1024)} MB.")), settings);
            return Leer(reader);
        }
        catch (XmlException ex)
        {
            throw new InvalidDataException($"El XML no es válido: {ex.Message}", ex);
        }
    }

    static CfdiDocumento Leer(XmlReader r)
    {
        r.MoveToContent();
        if (r.NodeType != XmlNodeType.Element || r.LocalName != "Comprobante" || !EsCfdi(r.NamespaceURI))
            throw new InvalidDataException("El XML no es un CFDI: falta cfdi:Comprobante.");

        var doc = Comprobante(r);
        var es32 = doc.Version == "3.2";
        var emisor = new CfdiEmisor();
        var regimenes32 = new List<string>();
        var receptor = new CfdiReceptor();
        var relacionados = new List<CfdiRelacionado>();
        string? tipoRelacion = null;
        var conceptos = new List<CfdiConcepto>();
        var hayImpuestos = false;
        decimal? totalTrasladados = null, totalRetenidos = null;
        var traslados = new List<CfdiImpuesto>();
        var retenciones = new List<CfdiImpuesto>();
        var pagos = new List<CfdiPago>();
        List<CfdiDoctoRelacionado>? documentosDelPago = null;
        decimal? montoTotalPagos = null;
        CfdiTimbre? timbre = null;

        while (r.Read())
        {
            if (r.NodeType != XmlNodeType.Element) continue;
            var ns = r.NamespaceURI;
            if (EsCfdi(ns))
            {
                // Depth tells the comprobante-level Impuestos (Traslado at depth 3) from each concepto's (depth 5).
                switch (r.Depth, r.LocalName)
                {
                    case (1, "Emisor"):
                        emisor = new CfdiEmisor { Rfc = A(r, "Rfc") ?? "", Nombre = A(r, "Nombre"), RegimenFiscal = A(r, "RegimenFiscal") };
                        break;
                    case (2, "RegimenFiscal") when es32:
                        if (A(r, "Regimen") is { } regimen) regimenes32.Add(regimen);
                        break;
                    case (1, "Receptor"):
                        receptor = new CfdiReceptor
                        {
                            Rfc = A(r, "Rfc") ?? "",
                            Nombre = A(r, "Nombre"),
                            UsoCfdi = A(r, "UsoCFDI"),
                            DomicilioFiscal = A(r, "DomicilioFiscalReceptor"),
                            RegimenFiscal = A(r, "RegimenFiscalReceptor"),
                        };
                        break;
                    case (1, "CfdiRelacionados"):
                        tipoRelacion = A(r, "TipoRelacion");
                        break;
                    case (2, "CfdiRelacionado"):
                        relacionados.Add(new CfdiRelacionado(tipoRelacion, A(r, "UUID") ?? ""));
                        break;
                    case (2, "Concepto"):
                        conceptos.Add(new CfdiConcepto
                        {
                            ClaveProdServ = A(r, "ClaveProdServ"),
                            Cantidad = Requerido(r, "Cantidad"),
                            ClaveUnidad = A(r, "ClaveUnidad"),
                            Unidad = A(r, "Unidad"),
                            Descripcion = A(r, "Descripcion") ?? "",
                            ValorUnitario = Requerido(r, "ValorUnitario"),
                            Importe = Requerido(r, "Importe"),
                            Descuento = Numero(r, "Descuento"),
                        });
                        break;
                    case (1, "Impuestos"):
                        hayImpuestos = true;
                        totalTrasladados = Numero(r, "TotalImpuestosTrasladados");
                        totalRetenidos = Numero(r, "TotalImpuestosRetenidos");
                        break;
                    case (3, "Traslado"):
                        traslados.Add(Impuesto(r, es32, traslado: true));
                        break;
                    case (3, "Retencion"):
                        retenciones.Add(Impuesto(r, es32, traslado: false));
                        break;
                }
            }
            else if (ns == Tfd && r.Depth == 2 && r.LocalName == "TimbreFiscalDigital")
            {
                timbre ??= Timbre(r);
            }
            else if (ns is Pagos10 or Pagos20)
            {
                switch (r.LocalName)
                {
                    case "Totales":
                        montoTotalPagos = Numero(r, "MontoTotalPagos");
                        break;
                    case "Pago":
                        documentosDelPago = [];
                        pagos.Add(new CfdiPago
                        {
                            FechaPago = A(r, "FechaPago"),
                            FormaDePago = A(r, "FormaDePagoP"),
                            Moneda = A(r, "MonedaP"),
                            TipoCambio = NumeroTolerante(r, "TipoCambioP"),
                            Monto = Requerido(r, "Monto"),
                            NumOperacion = A(r, "NumOperacion"),
                            Documentos = documentosDelPago,
                        });
                        break;
                    case "DoctoRelacionado":
                        documentosDelPago?.Add(new CfdiDoctoRelacionado
                        {
                            IdDocumento = A(r, "IdDocumento") ?? "",
                            Serie = A(r, "Serie"),
                            Folio = A(r, "Folio"),
                            Moneda = A(r, "MonedaDR"),
                            NumParcialidad = A(r, "NumParcialidad"),
                            ImpSaldoAnt = Numero(r, "ImpSaldoAnt"),
                            ImpPagado = Numero(r, "ImpPagado"),
                            ImpSaldoInsoluto = Numero(r, "ImpSaldoInsoluto"),
                        });
                        break;
                }
            }
        }

        if (regimenes32.Count > 0) emisor = emisor with { RegimenFiscal = string.Join(" / ", regimenes32) };
        return doc with
        {
            Emisor = emisor,
            Receptor = receptor,
            Relacionados = relacionados,
            Conceptos = conceptos,
            Impuestos = hayImpuestos
                ? new CfdiImpuestos { TotalTrasladados = totalTrasladados, TotalRetenidos = totalRetenidos, Traslados = traslados, Retenciones = retenciones }
                : null,
            Pagos = pagos,
            MontoTotalPagos = montoTotalPagos,
            Timbre = timbre,
        };
    }

    static CfdiDocumento Comprobante(XmlReader r) => new()
    {
        Version = A(r, "Version") ?? "",
        Serie = A(r, "Serie"),
        Folio = A(r, "Folio"),
        Fecha = A(r, "Fecha") ?? "",
        LugarExpedicion = A(r, "LugarExpedicion"),
        TipoDeComprobante = Tipo(A(r, "TipoDeComprobante")),
        FormaPago = A(r, "FormaPago") ?? A(r, "formaDePago"),
        MetodoPago = A(r, "MetodoPago") ?? A(r, "metodoDePago"),
        CondicionesDePago = A(r, "CondicionesDePago"),
        Moneda = A(r, "Moneda"),
        TipoCambio = NumeroTolerante(r, "TipoCambio"),
        SubTotal = Requerido(r, "SubTotal"),
        Descuento = Numero(r, "Descuento"),
        Total = Requerido(r, "Total"),
        Exportacion = A(r, "Exportacion"),
        NoCertificado = A(r, "NoCertificado"),
        Sello = A(r, "Sello"),
    };

    static string Tipo(string? valor) => valor?.ToLowerInvariant() switch
    {
        "ingreso" => "I",
        "egreso" => "E",
        "traslado" => "T",
        _ => valor?.ToUpperInvariant() ?? "",
    };

    static CfdiImpuesto Impuesto(XmlReader r, bool es32, bool traslado)
    {
        // 3.2 writes IVA 16 % as tasa="16"; later versions as TasaOCuota="0.160000".
        var tasa = es32 ? Numero(r, "tasa") / 100 : Numero(r, "TasaOCuota");
        var tipoFactor = es32 && traslado ? "Tasa" : A(r, "TipoFactor");
        return new CfdiImpuesto(A(r, "Impuesto") ?? "", tipoFactor, tasa, Numero(r, "Base"), Numero(r, "Importe"));
    }

    static CfdiTimbre Timbre(XmlReader r) => new()
    {
        Version = A(r, "Version") ?? "",
        Uuid = A(r, "UUID") ?? "",
        FechaTimbrado = A(r, "FechaTimbrado") ?? "",
        RfcProvCertif = A(r, "RfcProvCertif"),
        Leyenda = A(r, "Leyenda"),
        SelloCfd = A(r, "SelloCFD") ?? "",
        NoCertificadoSat = A(r, "NoCertificadoSAT") ?? "",
        SelloSat = A(r, "SelloSAT") ?? "",
    };

    static bool EsCfdi(string ns) => ns is Cfd3 or Cfd4;

    /// <summary>Trimmed value or null when absent or blank; falls back to 3.2's lower-camel spelling (Total → total, SelloCFD → selloCFD).</summary>
    /// <summary>
    /// The longest text a field keeps (SAT's longest, Concepto/@Descripcion, is 1,000 characters; a
    /// 2048-bit sello is 344). Word wrapping costs grow faster than the text, so a field of a million
    /// characters would stall the worker: what is longer is cut and ends in "…".
    /// </summary>
    public const int LongitudMaxima = 1000;

    static string? A(XmlReader r, string nombre)
    {
        var valor = r.GetAttribute(nombre) ?? r.GetAttribute(char.ToLowerInvariant(nombre[0]) + nombre[1..]);
        if (string.IsNullOrWhiteSpace(valor)) return null;
        valor = valor.Trim();
        return valor.Length <= LongitudMaxima ? valor : string.Concat(valor.AsSpan(0, LongitudMaxima - 1), "…");
    }

    static decimal? Numero(XmlReader r, string nombre)
    {
        if (A(r, nombre) is not { } texto) return null;
        return decimal.TryParse(texto, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var valor)
            ? valor
            : throw new InvalidDataException($"{r.LocalName}/@{nombre} no es un número: '{texto}'.");
    }

    static decimal Requerido(XmlReader r, string nombre) =>
        Numero(r, nombre) ?? throw new InvalidDataException($"Falta {r.LocalName}/@{nombre}.");

    // 3.2 typed TipoCambio as free text, so a non-number there is tolerated rather than fatal.
    static decimal? NumeroTolerante(XmlReader r, string nombre) =>
        decimal.TryParse(A(r, nombre), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var valor) ? valor : null;
}
