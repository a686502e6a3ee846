using AccesoDescargas.Infrastructure;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;

namespace AccesoDescargas.Fiscal;

public sealed class CfdiRechazadoException(string mensaje) : Exception(mensaje);

/// <summary>
/// The one reader of a CFDI 3.2, 3.3 or 4.0: one forward-only pass, without a DOM, without DTDs and
/// with a byte limit (the files come from users), yields the whole <see cref="CfdiDocumento"/>.
/// <see cref="Leer"/> and <see cref="LeerAsync"/> validate an import (a refusal is a
/// <see cref="CfdiRechazadoException"/> with the reason in Spanish); <see cref="LeerDocumento"/> reads a
/// stored CFDI for printing, where only what cannot be printed fails (<see cref="InvalidDataException"/>).
/// Addendas and complementos other than TimbreFiscalDigital and Pagos are skipped, never rejected.
/// </summary>
public static partial class CfdiReader
{
    public const long TamanoMaximoPorDefecto = 5 * 1024 * 1024;

    public const string MensajeVacio = "El archivo está vacío.";
    public const string MensajeXmlNoValido = "El archivo no es un XML válido.";
    public const string MensajeXmlConDtd = "El XML contiene una declaración DTD, que no se admite por seguridad.";
    public const string MensajeNoEsCfdi = "El archivo no es un CFDI (se esperaba cfdi:Comprobante versión 3.2, 3.3 o 4.0).";
    public const string MensajeNoTimbrado = "El CFDI no está timbrado (no tiene TimbreFiscalDigital).";
    public const string MensajeTimbreDePrueba = "El CFDI no está timbrado: su TimbreFiscalDigital es de prueba (UUID de relleno y sin sellos).";

    /// <summary>
    /// The longest text a field keeps (SAT's longest, Concepto/@Descripcion, is 1,000 characters; a
    /// 2048-bit sello is 344). Word wrapping costs grow faster than the text, so a field of a million
    /// characters would stall the printout: what is longer is cut and ends in "…".
    /// </summary>
    public const int LongitudMaxima = 1000;
    public const string FormatoExcedeTamano = "El archivo excede el tamaño máximo permitido de {0} MB.";
    public const string FormatoEmisorNoCorresponde = "El RFC del emisor del CFDI ({0}) no corresponde al emisor de esta cuenta ({1}).";
    public const string FormatoFaltaAtributo = "Falta el atributo obligatorio {0} en {1}.";
    public const string FormatoFaltaElemento = "Falta el elemento obligatorio {0} en el CFDI.";
    public const string FormatoValorNoValido = "El atributo {0} en {1} no tiene un valor válido.";

    public static string MensajeExcedeTamano(long tamanoMaximo) => string.Format(
        CultureInfo.InvariantCulture, FormatoExcedeTamano, (tamanoMaximo / (1024m * 1024m)).ToString("0.##", CultureInfo.InvariantCulture));

    public static string MensajeEmisorNoCorresponde(string rfc, string esperado) =>
        string.Format(CultureInfo.InvariantCulture, FormatoEmisorNoCorresponde, rfc, esperado);

    public static string MensajeFaltaAtributo(string atributo, string elemento) =>
        string.Format(CultureInfo.InvariantCulture, FormatoFaltaAtributo, atributo, elemento);

    public static string MensajeFaltaElemento(string elemento) =>
        string.Format(CultureInfo.InvariantCulture, FormatoFaltaElemento, elemento);

    public static string MensajeValorNoValido(string atributo, string elemento) =>
        string.Format(CultureInfo.InvariantCulture, FormatoValorNoValido, atributo, elemento);

    private const string NsCfdi40 = "http://www.sat.gob.mx/cfd/4";
    private const string NsCfdi3 = "http://www.sat.gob.mx/cfd/3";
    private const string NsTimbre = "http://www.sat.gob.mx/TimbreFiscalDigital";
    private const string NsPagos20 = "http://www.sat.gob.mx/Pagos20";
    private const string NsPagos10 = "http://www.sat.gob.mx/Pagos";

    // Messages name elements by their usual prefix, whatever prefix the file declares.
    private const string ElementoComprobante = "cfdi:Comprobante";
    private const string ElementoEmisor = "cfdi:Emisor";
    private const string ElementoReceptor = "cfdi:Receptor";
    private const string ElementoTimbre = "tfd:TimbreFiscalDigital";

    /// <summary>Reads and validates a CFDI to import.</summary>
    /// <exception cref="CfdiRechazadoException">The reason, in Spanish, why the file is not an importable CFDI.</exception>
    public static CfdiDocumento Leer(Stream xml, string? emisorRfcEsperado = null, long tamanoMaximo = TamanoMaximoPorDefecto)
    {
        var entrada = Abrir(xml, tamanoMaximo, CancellationToken.None);
        var lector = new Lector();
        try
        {
            // Create already reads the first buffer, so it belongs inside the try.
            using var reader = XmlReader.Create(entrada, Configuracion(async: false));
            while (reader.Read())
            {
                lector.Procesar(reader);
            }
        }
        catch (XmlException ex)
        {
            throw Rechazo(ex, entrada);
        }
        return lector.Validado(emisorRfcEsperado);
    }

    /// <inheritdoc cref="Leer"/>
    public static async Task<CfdiDocumento> LeerAsync(
        Stream xml, string? emisorRfcEsperado = null, long tamanoMaximo = TamanoMaximoPorDefecto, CancellationToken ct = default)
    {
        var entrada = Abrir(xml, tamanoMaximo, ct);
        var lector = new Lector();
        try
        {
            using var reader = XmlReader.Create(entrada, Configuracion(async: true));
            while (await reader.ReadAsync().ConfigureAwait(false))
            {
                ct.ThrowIfCancellationRequested();
                lector.Procesar(reader);
            }
        }
        catch (XmlException ex)
        {
            throw Rechazo(ex, entrada);
        }
        return lector.Validado(emisorRfcEsperado);
    }

    /// <summary>
    /// Reads a stored CFDI for printing: tolerant of what the import does not check (an unstamped
    /// draft, 3.2's free text), strict about what a printout needs (amounts that are numbers).
    /// </summary>
    /// <exception cref="InvalidDataException">Not well-formed, not a CFDI, over the size limit, or a printed number missing or malformed.</exception>
    public static CfdiDocumento LeerDocumento(Stream xml, long tamanoMaximo = TamanoMaximoPorDefecto)
    {
        try
        {
            var entrada = Abrir(xml, tamanoMaximo, CancellationToken.None);
            var lector = new Lector();
            try
            {
                using var reader = XmlReader.Create(entrada, Configuracion(async: false));
                while (reader.Read())
                {
                    lector.Procesar(reader);
                }
            }
            catch (XmlException ex)
            {
                throw Rechazo(ex, entrada);
            }
            return lector.Documento();
        }
        catch (CfdiRechazadoException ex)
        {
            throw new InvalidDataException(ex.Message, ex);
        }
    }

    private static FlujoLimitado Abrir(Stream xml, long tamanoMaximo, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(xml);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tamanoMaximo);
        if (xml.CanSeek)
        {
            var restante = xml.Length - xml.Position;
            if (restante <= 0) throw new CfdiRechazadoException(MensajeVacio);
            if (restante > tamanoMaximo) throw new CfdiRechazadoException(MensajeExcedeTamano(tamanoMaximo));
        }
        return new FlujoLimitado(xml, tamanoMaximo, () => new CfdiRechazadoException(MensajeExcedeTamano(tamanoMaximo)), ct);
    }

    private static XmlReaderSettings Configuracion(bool async) => new()
    {
        Async = async,
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        IgnoreComments = true,
        IgnoreWhitespace = true,
        IgnoreProcessingInstructions = true,
        CloseInput = false,
    };

    private static CfdiRechazadoException Rechazo(XmlException ex, FlujoLimitado entrada)
    {
        if (entrada.Leidos == 0) return new CfdiRechazadoException(MensajeVacio);
        return new CfdiRechazadoException(EsDtdProhibida(ex) ? MensajeXmlConDtd : MensajeXmlNoValido);
    }

    // XmlException has no error code: the DTD refusal is recognised by comparing with the message
    // the framework gives, in the current culture, for a minimal document that declares a DTD.
    private static bool EsDtdProhibida(XmlException ex)
    {
        try
        {
            using var reader = XmlReader.Create(new StringReader("<!DOCTYPE a><a/>"), Configuracion(async: false));
            while (reader.Read())
            {
            }
        }
        catch (XmlException dtd)
        {
            return dtd.Message == ex.Message;
        }
        return false;
    }

    /// <summary>
    /// Collects the document while the reader walks it; knows nothing of sync or async. Two kinds of
    /// fault are kept, not thrown, so the rest is still read (a malformed file is reported as such
    /// whatever else is wrong with it): a refusal of the import, and a defect that stops a printout.
    /// </summary>
    private sealed class Lector
    {
        private string? _nsCfdi;
        private bool _v32;
        private bool _esCfdi;
        private bool _enComplemento;
        private CfdiRechazadoException? _rechazo;
        private string? _defecto;

        private CfdiDocumento _doc = new() { Version = "", Fecha = "", TipoDeComprobante = "" };
        private bool _hayEmisor, _hayReceptor;
        private CfdiEmisor _emisor = new();
        private readonly List<string> _regimenes32 = [];
        private CfdiReceptor _receptor = new();
        private readonly List<CfdiRelacionado> _relacionados = [];
        private string? _tipoRelacion;
        private readonly List<CfdiConcepto> _conceptos = [];
        private bool _hayImpuestos;
        private decimal? _totalTrasladados, _totalRetenidos;
        private readonly List<CfdiImpuesto> _traslados = [];
        private readonly List<CfdiImpuesto> _retenciones = [];
        private readonly List<CfdiPago> _pagos = [];
        private List<CfdiDoctoRelacionado>? _documentosDelPago;
        private decimal? _montoTotalPagos;
        private CfdiTimbre? _timbre;
        private DateTime _fechaTimbrado;

        public void Procesar(XmlReader r)
        {
            if (r.NodeType != XmlNodeType.Element) return;
            if (r.Depth > 0 && !_esCfdi) return;
            try
            {
                Elemento(r);
            }
            catch (CfdiRechazadoException ex)
            {
                _rechazo ??= ex;
            }
            catch (InvalidDataException ex)
            {
                _defecto ??= ex.Message;
            }
        }

        private void Elemento(XmlReader r)
        {
            if (r.Depth == 0)
            {
                LeerComprobante(r);
                return;
            }
            var ns = r.NamespaceURI;
            if (r.Depth == 1)
            {
                // Only direct children of Comprobante in its own namespace count: nómina and other
                // complementos have Emisor/Receptor elements of their own.
                _enComplemento = ns == _nsCfdi && r.LocalName == "Complemento";
            }
            if (ns == _nsCfdi)
            {
                ElementoCfdi(r);
            }
            else if (_enComplemento && r.Depth == 2 && ns == NsTimbre && r.LocalName == "TimbreFiscalDigital")
            {
                if (_timbre is null) LeerTimbre(r);
            }
            else if (_enComplemento && ns is NsPagos10 or NsPagos20)
            {
                ElementoPagos(r);
            }
        }

        private void ElementoCfdi(XmlReader r)
        {
            // Depth tells the comprobante-level Impuestos (Traslado at depth 3) from each concepto's (depth 5).
            switch (r.Depth, r.LocalName)
            {
                case (1, "Emisor"):
                    _hayEmisor = true;
                    _emisor = new CfdiEmisor { Rfc = Rfc(r, ElementoEmisor), Nombre = A(r, "Nombre"), RegimenFiscal = A(r, "RegimenFiscal") };
                    break;
                case (2, "RegimenFiscal") when _v32:
                    if (A(r, "Regimen") is { } regimen) _regimenes32.Add(regimen);
                    break;
                case (1, "Receptor"):
                    _hayReceptor = true;
                    _receptor = new CfdiReceptor
                    {
                        Rfc = Rfc(r, ElementoReceptor),
                        Nombre = A(r, "Nombre"),
                        UsoCfdi = A(r, "UsoCFDI"),
                        DomicilioFiscal = A(r, "DomicilioFiscalReceptor"),
                        RegimenFiscal = A(r, "RegimenFiscalReceptor"),
                    };
                    break;
                case (1, "CfdiRelacionados"):
                    _tipoRelacion = A(r, "TipoRelacion");
                    break;
                case (2, "CfdiRelacionado"):
                    _relacionados.Add(new CfdiRelacionado(_tipoRelacion, A(r, "UUID") ?? ""));
                    break;
                case (2, "Concepto"):
                    _conceptos.Add(new CfdiConcepto
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
                    _hayImpuestos = true;
                    _totalTrasladados = Numero(r, "TotalImpuestosTrasladados");
                    _totalRetenidos = Numero(r, "TotalImpuestosRetenidos");
                    break;
                case (3, "Traslado"):
                    _traslados.Add(Impuesto(r, _v32, traslado: true));
                    break;
                case (3, "Retencion"):
                    _retenciones.Add(Impuesto(r, _v32, traslado: false));
                    break;
            }
        }

        private void ElementoPagos(XmlReader r)
        {
            switch (r.LocalName)
            {
                case "Totales":
                    _montoTotalPagos = Numero(r, "MontoTotalPagos");
                    break;
                case "Pago":
                    _documentosDelPago = [];
                    _pagos.Add(new CfdiPago
                    {
                        FechaPago = A(r, "FechaPago"),
                        FormaDePago = A(r, "FormaDePagoP"),
                        Moneda = A(r, "MonedaP"),
                        TipoCambio = NumeroTolerante(r, "TipoCambioP"),
                        Monto = Requerido(r, "Monto"),
                        NumOperacion = A(r, "NumOperacion"),
                        Documentos = _documentosDelPago,
                    });
                    break;
                case "DoctoRelacionado":
                    // Amounts that are not numbers are kept as unknown: the saldo then says it cannot be told.
                    _documentosDelPago?.Add(new CfdiDoctoRelacionado
                    {
                        IdDocumento = A(r, "IdDocumento") ?? "",
                        Serie = A(r, "Serie"),
                        Folio = A(r, "Folio"),
                        Moneda = A(r, "MonedaDR"),
                        NumParcialidad = A(r, "NumParcialidad"),
                        ImpSaldoAnt = NumeroTolerante(r, "ImpSaldoAnt"),
                        ImpPagado = NumeroTolerante(r, "ImpPagado"),
                        ImpSaldoInsoluto = NumeroTolerante(r, "ImpSaldoInsoluto"),
                    });
                    break;
            }
        }

        private void LeerComprobante(XmlReader r)
        {
            if (r.LocalName != "Comprobante" || r.NamespaceURI is not (NsCfdi40 or NsCfdi3))
                throw new CfdiRechazadoException(MensajeNoEsCfdi);
            _esCfdi = true;
            _nsCfdi = r.NamespaceURI;
            _v32 = r.GetAttribute("Version") is null && r.GetAttribute("version") == "3.2";
            _doc = new CfdiDocumento
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
                Exportacion = A(r, "Exportacion"),
                NoCertificado = A(r, "NoCertificado"),
                Sello = A(r, "Sello"),
            };
            // The printout needs the amounts whatever else the import thinks of the file.
            try
            {
                _doc = _doc with { SubTotal = Requerido(r, "SubTotal"), Descuento = Numero(r, "Descuento"), Total = Requerido(r, "Total") };
            }
            catch (InvalidDataException ex)
            {
                _defecto ??= ex.Message;
            }

            var version = (_nsCfdi, r.GetAttribute("Version"), r.GetAttribute("version")) switch
            {
                (NsCfdi40, "4.0", _) => "4.0",
                (NsCfdi3, "3.3", _) => "3.3",
                (NsCfdi3, null, "3.2") => "3.2",
                _ => throw new CfdiRechazadoException(MensajeNoEsCfdi),
            };
            _doc = _doc with { FechaEmision = Fecha(r, _v32 ? "fecha" : "Fecha", ElementoComprobante) };
            Importe(r, _v32 ? "subTotal" : "SubTotal");
            Importe(r, _v32 ? "total" : "Total");
            var tipoAtributo = _v32 ? "tipoDeComprobante" : "TipoDeComprobante";
            var tipo = Obligatorio(r, tipoAtributo, ElementoComprobante);
            if (_v32 ? tipo.ToLowerInvariant() is not ("ingreso" or "egreso" or "traslado") : tipo is not ("I" or "E" or "T" or "N" or "P"))
                throw new CfdiRechazadoException(MensajeValorNoValido(tipoAtributo, ElementoComprobante));
            _ = version;
        }

        private void LeerTimbre(XmlReader r)
        {
            _timbre = new CfdiTimbre
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
            // A timbre without UUID is a placeholder, not a stamp: the import counts the file as not timbrado.
            if (_timbre.Uuid.Length == 0) return;
            if (!Guid.TryParseExact(_timbre.Uuid, "D", out _))
                throw new CfdiRechazadoException(MensajeValorNoValido("UUID", ElementoTimbre));
            // What generators of test documents leave: 00000000-…, 11111111-… and no sellos. Not a stamp.
            if (EsTimbreDeRelleno(_timbre.Uuid, _timbre.SelloCfd, _timbre.SelloSat))
                throw new CfdiRechazadoException(MensajeTimbreDePrueba);
            _fechaTimbrado = Fecha(r, "FechaTimbrado", ElementoTimbre);
        }

        private CfdiDocumento Construir() => _doc with
        {
            Emisor = _regimenes32.Count > 0 ? _emisor with { RegimenFiscal = string.Join(" / ", _regimenes32) } : _emisor,
            Receptor = _receptor,
            Relacionados = _relacionados,
            Conceptos = _conceptos,
            Impuestos = _hayImpuestos
                ? new CfdiImpuestos { TotalTrasladados = _totalTrasladados, TotalRetenidos = _totalRetenidos, Traslados = _traslados, Retenciones = _retenciones }
                : null,
            Pagos = _pagos,
            MontoTotalPagos = _montoTotalPagos,
            Timbre = _timbre,
            FechaTimbradoEmision = _fechaTimbrado,
        };

        /// <summary>The document for printing: only a non-CFDI or a printed number that is not one fails.</summary>
        public CfdiDocumento Documento()
        {
            if (!_esCfdi) throw new InvalidDataException(_rechazo?.Message ?? MensajeNoEsCfdi);
            if (_defecto is not null) throw new InvalidDataException(_defecto);
            return Construir();
        }

        /// <summary>The document for an import, after every rule an import must meet.</summary>
        public CfdiDocumento Validado(string? emisorRfcEsperado)
        {
            if (_rechazo is not null) throw _rechazo;
            if (!_hayEmisor) throw new CfdiRechazadoException(MensajeFaltaElemento(ElementoEmisor));
            if (!_hayReceptor) throw new CfdiRechazadoException(MensajeFaltaElemento(ElementoReceptor));
            if (_timbre is not { Uuid.Length: > 0 }) throw new CfdiRechazadoException(MensajeNoTimbrado);
            if (emisorRfcEsperado is not null)
            {
                var esperado = emisorRfcEsperado.Trim().ToUpperInvariant();
                if (esperado != _emisor.Rfc)
                    throw new CfdiRechazadoException(MensajeEmisorNoCorresponde(_emisor.Rfc, esperado));
            }
            return Construir();
        }

        private string Rfc(XmlReader r, string elemento) =>
            Obligatorio(r, _v32 ? "rfc" : "Rfc", elemento).ToUpperInvariant();

        private static string Tipo(string? valor) => valor?.ToLowerInvariant() switch
        {
            "ingreso" => "I",
            "egreso" => "E",
            "traslado" => "T",
            _ => valor?.ToUpperInvariant() ?? "",
        };

        private static CfdiImpuesto Impuesto(XmlReader r, bool es32, bool traslado)
        {
            // 3.2 writes IVA 16 % as tasa="16"; later versions as TasaOCuota="0.160000".
            var tasa = es32 ? Numero(r, "tasa") / 100 : Numero(r, "TasaOCuota");
            var tipoFactor = es32 && traslado ? "Tasa" : A(r, "TipoFactor");
            return new CfdiImpuesto(A(r, "Impuesto") ?? "", tipoFactor, tasa, Numero(r, "Base"), Numero(r, "Importe"));
        }

        private static decimal Importe(XmlReader r, string atributo) =>
            decimal.TryParse(Obligatorio(r, atributo, ElementoComprobante), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var valor)
                ? valor
                : throw new CfdiRechazadoException(MensajeValorNoValido(atributo, ElementoComprobante));

        private static DateTime Fecha(XmlReader r, string atributo, string elemento)
        {
            // CFDI dates are local time without zone. Some emitters add a fraction or a zone; both are
            // dropped so the value is always the local time as written, to the second.
            var texto = Obligatorio(r, atributo, elemento);
            if (texto.Length >= 19
                && RestoDeFecha().IsMatch(texto.AsSpan(19))
                && DateTime.TryParseExact(texto.AsSpan(0, 19), "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var fecha))
            {
                return fecha;
            }
            throw new CfdiRechazadoException(MensajeValorNoValido(atributo, elemento));
        }

        private static string Obligatorio(XmlReader r, string atributo, string elemento)
        {
            var valor = r.GetAttribute(atributo)?.Trim();
            return string.IsNullOrEmpty(valor) ? throw new CfdiRechazadoException(MensajeFaltaAtributo(atributo, elemento)) : valor;
        }

        /// <summary>Trimmed value or null when absent or blank; falls back to 3.2's lower-camel spelling (Total → total, SelloCFD → selloCFD).</summary>
        private static string? A(XmlReader r, string nombre)
        {
            var valor = r.GetAttribute(nombre) ?? r.GetAttribute(char.ToLowerInvariant(nombre[0]) + nombre[1..]);
            if (string.IsNullOrWhiteSpace(valor)) return null;
            valor = valor.Trim();
            return valor.Length <= LongitudMaxima ? valor : string.Concat(valor.AsSpan(0, LongitudMaxima - 1), "…");
        }

        private static decimal? Numero(XmlReader r, string nombre)
        {
            if (A(r, nombre) is not { } texto) return null;
            return decimal.TryParse(texto, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var valor)
                ? valor
                : throw new InvalidDataException($"{r.LocalName}/@{nombre} no es un número: '{texto}'.");
        }

        private static decimal Requerido(XmlReader r, string nombre) =>
            Numero(r, nombre) ?? throw new InvalidDataException($"Falta {r.LocalName}/@{nombre}.");

        // 3.2 typed TipoCambio as free text, so a non-number there is tolerated rather than fatal.
        private static decimal? NumeroTolerante(XmlReader r, string nombre) =>
            decimal.TryParse(A(r, nombre), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var valor) ? valor : null;
    }

    /// <summary>A UUID of one repeated hex digit with both sellos empty.</summary>
    public static bool EsTimbreDeRelleno(string uuid, string? selloCfd, string? selloSat)
    {
        if (!string.IsNullOrWhiteSpace(selloCfd) || !string.IsNullOrWhiteSpace(selloSat)) return false;
        var digitos = uuid.Replace("-", "", StringComparison.Ordinal);
        return digitos.Length == 32 && digitos.All(c => char.ToUpperInvariant(c) == char.ToUpperInvariant(digitos[0]));
    }

    [GeneratedRegex(@"^(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$")]
    private static partial Regex RestoDeFecha();
}
