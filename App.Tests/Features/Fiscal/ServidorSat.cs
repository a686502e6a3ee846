using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AccesoDescargas.Tests.Features.Fiscal;

public enum RespuestaPrueba { Vigente, CanceladoConAceptacion, NoEncontrado, N601, Http500, Colgar }

/// <summary>A stand-in for SAT's ConsultaCFDIService on a loopback port: real Kestrel, the real answer shapes.</summary>
public sealed class ServidorSat : IAsyncDisposable
{
    public sealed record Solicitud(string Metodo, string Ruta, string? ContentType, string? SoapAction, string Cuerpo);

    private readonly WebApplication app;
    public ConcurrentQueue<Solicitud> Solicitudes { get; } = new();
    public volatile RespuestaPrueba Respuesta = RespuestaPrueba.Vigente;
    public string Url { get; }

    private ServidorSat(WebApplication app, string url) { this.app = app; Url = url; }

    public static async Task<ServidorSat> IniciarAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        ServidorSat? servidor = null;
        app.MapPost("/ConsultaCFDIService.svc", async (HttpContext http) =>
        {
            var cuerpo = await new StreamReader(http.Request.Body).ReadToEndAsync(http.RequestAborted);
            servidor!.Solicitudes.Enqueue(new(http.Request.Method, http.Request.Path, http.Request.ContentType,
                http.Request.Headers["SOAPAction"].ToString(), cuerpo));
            switch (servidor.Respuesta)
            {
                case RespuestaPrueba.Http500:
                    return Results.Text("<html>Runtime Error</html>", "text/html", statusCode: 500);
                case RespuestaPrueba.Colgar:
                    // Never answers: the client's timeout must end it (the wait ends when the client gives up).
                    await Task.Delay(Timeout.Infinite, http.RequestAborted).ContinueWith(_ => { });
                    return Results.Empty;
            }
            var (codigo, estado, cancelable, estatus) = servidor.Respuesta switch
            {
                RespuestaPrueba.Vigente => ("S - Comprobante obtenido satisfactoriamente.", "Vigente", "Cancelable con aceptación", ""),
                RespuestaPrueba.CanceladoConAceptacion => ("S - Comprobante obtenido satisfactoriamente.", "Cancelado", "Cancelable con aceptación", "Cancelado con aceptación"),
                RespuestaPrueba.NoEncontrado => ("N - 602: Comprobante no encontrado.", "No Encontrado", "", ""),
                _ => ("N - 601: La expresión impresa proporcionada no es válida.", "No Encontrado", "", ""),
            };
            return Results.Text(Sobre(codigo, estado, cancelable, estatus, servidor.Respuesta is RespuestaPrueba.Vigente or RespuestaPrueba.CanceladoConAceptacion ? "200" : ""),
                "text/xml; charset=utf-8");
        });
        await app.StartAsync();
        var direccion = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        servidor = new ServidorSat(app, direccion + "/ConsultaCFDIService.svc");
        return servidor;
    }

    private static string Sobre(string codigo, string estado, string cancelable, string estatus, string efos) =>
        "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"><s:Body><ConsultaResponse xmlns=\"http://tempuri.org/\">" +
        "<ConsultaResult xmlns:a=\"http://schemas.datacontract.org/2004/07/Sat.Cfdi.Negocio.ConsultaCfdi.Servicio\" xmlns:i=\"http://www.w3.org/2001/XMLSchema-instance\">" +
        $"<a:CodigoEstatus>{codigo}</a:CodigoEstatus><a:EsCancelable>{cancelable}</a:EsCancelable><a:Estado>{estado}</a:Estado>" +
        (estatus.Length == 0 ? "<a:EstatusCancelacion/>" : $"<a:EstatusCancelacion>{estatus}</a:EstatusCancelacion>") +
        (efos.Length == 0 ? "<a:ValidacionEFOS i:nil=\"true\"/>" : $"<a:ValidacionEFOS>{efos}</a:ValidacionEFOS>") +
        "</ConsultaResult></ConsultaResponse></s:Body></s:Envelope>";

    public Dictionary<string, string?> Ajustes(Dictionary<string, string?>? mas = null)
    {
        var d = new Dictionary<string, string?>
        {
            ["Sat:ConsultaUrl"] = Url,
            ["Sat:Timeout"] = "00:00:00.400",
            ["Sat:Reintentos"] = "2",
            ["Sat:EsperaReintento"] = "00:00:00.010",
            ["Sat:Pausa"] = "00:00:00.010",
        };
        foreach (var (k, v) in mas ?? []) d[k] = v;
        return d;
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
