using AccesoDescargas.Infrastructure;
using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;

namespace AccesoDescargas.Features.Comprobantes;

public sealed record CfdiLeido(
    string Version,
    string? Serie, string? Folio,
    DateTime Fecha,
    decimal SubTotal, decimal Total, string Moneda,
    string Tipo,
    string EmisorRfc, string? EmisorNombre,
    string ReceptorRfc, string? ReceptorNombre,
    string? UsoCfdi,
    string Uuid,
    DateTime FechaTimbrado,
    IReadOnlyList<string> UuidsRelacionados);

public sealed class CfdiRechazadoException(string mensaje) : Exception(mensaje);

/// <summary>
/// Reads the fields the portal needs from a CFDI 3.2, 3.3 or 4.0 in one forward-only pass, without
/// a DOM, without DTDs and with a byte limit, because the files come from users.
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

    public static CfdiLeido Leer(Stream xml, string? emisorRfcEsperado = null, long tamanoMaximo = TamanoMaximoPorDefecto)
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
        return lector.Resultado(emisorRfcEsperado);
    }

    public static async Task<CfdiLeido> LeerAsync(
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
        return lector.Resultado(emisorRfcEsperado);
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

    /// <summary>Collects the fields while the reader walks the document; knows nothing of sync or async.</summary>
    private sealed class Lector
    {
        private string? _nsCfdi;
        private bool _v32;
        private string _version = "";
        private string? _serie, _folio;
        private string _moneda = "";
        private string _tipo = "";
        private DateTime _fecha;
        private decimal _subTotal, _total;
        private string? _emisorRfc, _emisorNombre, _receptorRfc, _receptorNombre, _usoCfdi;
        private string? _uuid;
        private DateTime _fechaTimbrado;
        private bool _enComplemento;
        private CfdiRechazadoException? _rechazo;
        private readonly List<string> _relacionados = [];
        private readonly HashSet<string> _relacionadosVistos = [];

        public void Procesar(XmlReader r)
        {
            // The first refusal is kept rather than thrown so the rest of the document is still read:
            // a malformed file is reported as such whatever else is wrong with it.
            if (_rechazo is not null || r.NodeType != XmlNodeType.Element) return;
            try
            {
                Elemento(r);
            }
            catch (CfdiRechazadoException ex)
            {
                _rechazo = ex;
            }
        }

        private void Elemento(XmlReader r)
        {
            switch (r.Depth)
            {
                case 0:
                    LeerComprobante(r);
                    return;
                case 1:
                    // Only direct children of Comprobante in its own namespace count: nómina and other
                    // complementos have Emisor/Receptor elements of their own.
                    _enComplemento = false;
                    if (r.NamespaceURI != _nsCfdi) return;
                    switch (r.LocalName)
                    {
                        case "Emisor":
                            _emisorRfc = Rfc(r, ElementoEmisor);
                            _emisorNombre = Opcional(r, _v32 ? "nombre" : "Nombre");
                            break;
                        case "Receptor":
                            _receptorRfc = Rfc(r, ElementoReceptor);
                            _receptorNombre = Opcional(r, _v32 ? "nombre" : "Nombre");
                            _usoCfdi = Opcional(r, "UsoCFDI");
                            break;
                        case "Complemento":
                            _enComplemento = true;
                            break;
                    }
                    return;
            }
            if (!_enComplemento) return;
            if (r.Depth == 2 && r.LocalName == "TimbreFiscalDigital" && r.NamespaceURI == NsTimbre)
            {
                LeerTimbre(r);
            }
            else if (_tipo == "P" && r.LocalName == "DoctoRelacionado" && r.NamespaceURI is NsPagos20 or NsPagos10)
            {
                var id = Opcional(r, "IdDocumento")?.ToUpperInvariant();
                if (id is not null && _relacionadosVistos.Add(id)) _relacionados.Add(id);
            }
        }

        private void LeerComprobante(XmlReader r)
        {
            if (r.LocalName != "Comprobante") throw new CfdiRechazadoException(MensajeNoEsCfdi);
            _nsCfdi = r.NamespaceURI;
            _version = (_nsCfdi, r.GetAttribute("Version"), r.GetAttribute("version")) switch
            {
                (NsCfdi40, "4.0", _) => "4.0",
                (NsCfdi3, "3.3", _) => "3.3",
                (NsCfdi3, null, "3.2") => "3.2",
                _ => throw new CfdiRechazadoException(MensajeNoEsCfdi),
            };
            _v32 = _version == "3.2";
            _serie = Opcional(r, _v32 ? "serie" : "Serie");
            _folio = Opcional(r, _v32 ? "folio" : "Folio");
            _fecha = Fecha(r, _v32 ? "fecha" : "Fecha", ElementoComprobante);
            _subTotal = Importe(r, _v32 ? "subTotal" : "SubTotal");
            _total = Importe(r, _v32 ? "total" : "Total");
            // 3.2 made Moneda optional; an absent one meant pesos.
            _moneda = Opcional(r, "Moneda") ?? "MXN";

            var tipoAtributo = _v32 ? "tipoDeComprobante" : "TipoDeComprobante";
            var tipo = Obligatorio(r, tipoAtributo, ElementoComprobante);
            _tipo = (_v32
                ? tipo.ToLowerInvariant() switch { "ingreso" => "I", "egreso" => "E", "traslado" => "T", _ => null }
                : tipo is "I" or "E" or "T" or "N" or "P" ? tipo : null)
                ?? throw new CfdiRechazadoException(MensajeValorNoValido(tipoAtributo, ElementoComprobante));
        }

        private void LeerTimbre(XmlReader r)
        {
            // A timbre without UUID is a placeholder, not a stamp: left unset so the file counts as not timbrado.
            var uuid = Opcional(r, "UUID");
            if (uuid is null) return;
            if (!Guid.TryParseExact(uuid, "D", out _))
                throw new CfdiRechazadoException(MensajeValorNoValido("UUID", ElementoTimbre));
            // What generators of test documents leave: 00000000-…, 11111111-… and no sellos. Not a stamp.
            if (EsTimbreDeRelleno(uuid, Opcional(r, _v32 ? "selloCFD" : "SelloCFD"), Opcional(r, _v32 ? "selloSAT" : "SelloSAT")))
                throw new CfdiRechazadoException(MensajeTimbreDePrueba);
            _uuid = uuid.ToUpperInvariant();
            _fechaTimbrado = Fecha(r, "FechaTimbrado", ElementoTimbre);
        }

        public CfdiLeido Resultado(string? emisorRfcEsperado)
        {
            if (_rechazo is not null) throw _rechazo;
            var emisorRfc = _emisorRfc ?? throw new CfdiRechazadoException(MensajeFaltaElemento(ElementoEmisor));
            var receptorRfc = _receptorRfc ?? throw new CfdiRechazadoException(MensajeFaltaElemento(ElementoReceptor));
            var uuid = _uuid ?? throw new CfdiRechazadoException(MensajeNoTimbrado);
            if (emisorRfcEsperado is not null)
            {
                var esperado = emisorRfcEsperado.Trim().ToUpperInvariant();
                if (esperado != emisorRfc)
                    throw new CfdiRechazadoException(MensajeEmisorNoCorresponde(emisorRfc, esperado));
            }
            return new CfdiLeido(
                _version, _serie, _folio, _fecha, _subTotal, _total, _moneda, _tipo,
                emisorRfc, _emisorNombre, receptorRfc, _receptorNombre, _usoCfdi,
                uuid, _fechaTimbrado, _relacionados.AsReadOnly());
        }

        private string Rfc(XmlReader r, string elemento) =>
            Obligatorio(r, _v32 ? "rfc" : "Rfc", elemento).ToUpperInvariant();

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

        private static string Obligatorio(XmlReader r, string atributo, string elemento) =>
            Opcional(r, atributo) ?? throw new CfdiRechazadoException(MensajeFaltaAtributo(atributo, elemento));

        private static string? Opcional(XmlReader r, string atributo)
        {
            var valor = r.GetAttribute(atributo)?.Trim();
            return string.IsNullOrEmpty(valor) ? null : valor;
        }
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
