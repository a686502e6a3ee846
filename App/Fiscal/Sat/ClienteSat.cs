using System.Net.Http.Headers;
using System.Security;
using System.Text;
using System.Xml;
using Microsoft.Extensions.Options;

namespace AccesoDescargas.Fiscal.Sat;

/// <summary>Settings of SAT's status service, section "Sat" (documented in appsettings.sample.json).</summary>
public sealed class SatOptions
{
    public const string UrlSat = "https://consultaqr.facturaelectronica.sat.gob.mx/ConsultaCFDIService.svc";

    /// <summary>Empty turns every consulta off (the button says so; the refresher does nothing).</summary>
    public string? ConsultaUrl { get; set; } = UrlSat;
    /// <summary>Per attempt.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
    public int Reintentos { get; set; } = 2;
    /// <summary>The first retry's wait; each next one doubles it (with jitter).</summary>
    public TimeSpan EsperaReintento { get; set; } = TimeSpan.FromSeconds(2);
    /// <summary>At most this many calls to SAT at once, whoever asks (SAT throttles).</summary>
    public int ConsultasSimultaneas { get; set; } = 2;
    /// <summary>The background refresher re-checks comprobantes stamped in these last days…</summary>
    public int DiasARevisar { get; set; } = 90;
    /// <summary>…each at most this often…</summary>
    public TimeSpan Intervalo { get; set; } = TimeSpan.FromHours(24);
    /// <summary>…waiting this long between two calls, so its work is spread out.</summary>
    public TimeSpan Pausa { get; set; } = TimeSpan.FromSeconds(2);
    public bool Refrescar { get; set; } = true;

    public bool Habilitado => !string.IsNullOrWhiteSpace(ConsultaUrl);
}

/// <summary>SAT's answer. <see cref="Estado"/> is null when SAT did not say (e.g. <c>N - 601</c>, an expression it could not read).</summary>
public sealed record RespuestaSat(string CodigoEstatus, EstadoSat? Estado, string? EsCancelable, string? EstatusCancelacion, string? ValidacionEfos);

/// <summary>SAT did not answer in time, answered with an HTTP error after the retries, or answered something that is not its envelope.</summary>
public sealed class SatNoDisponibleException(string mensaje, Exception? interna = null) : Exception(mensaje, interna);

/// <summary>
/// ConsultaCFDIService over plain HttpClient: the SOAP 1.1 envelope is one element, so no generated
/// proxy. Timeout, retries with back-off and the concurrency bound are the HttpClient's resilience
/// pipeline (registered in <see cref="SatExtensions"/>).
/// </summary>
public sealed class ClienteSat(IHttpClientFactory clientes, IOptions<SatOptions> opciones)
{
    public const string NombreCliente = "sat";

    public const string SoapAction = "http://tempuri.org/IConsultaCFDIService/Consulta";
    private const string NsRespuesta = "http://schemas.datacontract.org/2004/07/Sat.Cfdi.Negocio.ConsultaCfdi.Servicio";
    private const int TamanoMaximoRespuesta = 64 * 1024;

    public static string Sobre(string expresionImpresa) =>
        """<?xml version="1.0" encoding="utf-8"?>""" +
        """<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:tem="http://tempuri.org/"><soap:Body><tem:Consulta><tem:expresionImpresa>""" +
        SecurityElement.Escape(expresionImpresa) +
        "</tem:expresionImpresa></tem:Consulta></soap:Body></soap:Envelope>";

    /// <exception cref="SatNoDisponibleException">No usable answer.</exception>
    public async Task<RespuestaSat> ConsultarAsync(string expresionImpresa, CancellationToken ct)
    {
        var url = opciones.Value.ConsultaUrl;
        if (string.IsNullOrWhiteSpace(url)) throw new SatNoDisponibleException("La consulta al SAT está desactivada (Sat:ConsultaUrl).");
        using var solicitud = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(Sobre(expresionImpresa), new UTF8Encoding(false), new MediaTypeHeaderValue("text/xml") { CharSet = "utf-8" }),
        };
        solicitud.Headers.Add("SOAPAction", SoapAction);
        try
        {
            var http = clientes.CreateClient(NombreCliente);
            using var respuesta = await http.SendAsync(solicitud, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!respuesta.IsSuccessStatusCode)
                throw new SatNoDisponibleException($"El SAT respondió HTTP {(int)respuesta.StatusCode}.");
            await using var cuerpo = await respuesta.Content.ReadAsStreamAsync(ct);
            return await LeerAsync(cuerpo, ct);
        }
        catch (Exception e) when (e is HttpRequestException or XmlException or Polly.Timeout.TimeoutRejectedException
                                  or Polly.RateLimiting.RateLimiterRejectedException
                                  || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            throw new SatNoDisponibleException("El SAT no respondió a tiempo.", e);
        }
    }

    private static async Task<RespuestaSat> LeerAsync(Stream cuerpo, CancellationToken ct)
    {
        var valores = new Dictionary<string, string>();
        var ajustes = new XmlReaderSettings { Async = true, DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, IgnoreWhitespace = true };
        using var lector = XmlReader.Create(new Infrastructure.FlujoLimitado(cuerpo, TamanoMaximoRespuesta,
            () => new XmlException("Respuesta del SAT demasiado grande."), ct), ajustes);
        // ReadElementContentAsString already moves to the next node: read again only when it did not run.
        var leer = true;
        while (leer ? await lector.ReadAsync() : !lector.EOF)
        {
            leer = true;
            if (lector.NodeType == XmlNodeType.Element && lector.NamespaceURI == NsRespuesta && !lector.IsEmptyElement && lector.Depth > 0)
            {
                var nombre = lector.LocalName;
                valores[nombre] = (await lector.ReadElementContentAsStringAsync()).Trim();
                leer = false;
            }
        }
        var codigo = valores.GetValueOrDefault("CodigoEstatus")
                     ?? throw new SatNoDisponibleException("La respuesta del SAT no trae CodigoEstatus.");
        EstadoSat? estado = valores.GetValueOrDefault("Estado") switch
        {
            "Vigente" => EstadoSat.Vigente,
            "Cancelado" => EstadoSat.Cancelado,
            "No Encontrado" when codigo.StartsWith("S", StringComparison.Ordinal) || codigo.StartsWith("N - 602", StringComparison.Ordinal) => EstadoSat.NoEncontrado,
            _ => null,
        };
        return new RespuestaSat(codigo, estado, Vacio(valores.GetValueOrDefault("EsCancelable")),
            Vacio(valores.GetValueOrDefault("EstatusCancelacion")), Vacio(valores.GetValueOrDefault("ValidacionEFOS")));
    }

    private static string? Vacio(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
