using System.Text.Json;
using AccesoDescargas.Features.ApiKeys;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Emisores;
using Microsoft.AspNetCore.Http.HttpResults;
using AccesoDescargas.Receptores;

namespace AccesoDescargas.Features.Accesos;

public sealed record CrearAccesoApi(string? Rfc, string? Password, string? Email, bool? Enviar);

public sealed record AccesoCreadoApi(string Rfc);

public static class AccesosApiEndpoints
{
    public static IEndpointRouteBuilder MapAccesosApi(this IEndpointRouteBuilder app)
    {
        app.MapApiV1().MapPost("/accesos", CrearAsync);
        return app;
    }

    private static async Task<Results<Created<AccesoCreadoApi>, ProblemHttpResult>> CrearAsync(HttpContext http, AccesosService accesos, Receptores.UrlPublica urlPublica, CancellationToken ct)
    {
        CrearAccesoApi? solicitud;
        try
        {
            solicitud = await http.Request.ReadFromJsonAsync<CrearAccesoApi>(ct);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            solicitud = null;
        }
        if (solicitud is null)
            return ApiV1.Problema(StatusCodes.Status400BadRequest, "Petición no válida",
                "Envíe un JSON (Content-Type: application/json) con { rfc, password?, email?, enviar? }.");

        // Integrators may omit the password: the access starts "sin contraseña", or with a generated one mailed when asked to.
        var contrasena = string.IsNullOrEmpty(solicitud.Password) ? null : solicitud.Password;
        var actor = new Actor("api", http.Connection.RemoteIpAddress?.ToString());
        var baseUrl = urlPublica.Base($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/");
        // A wrong check digit is only a warning (SAT issued such RFCs); there is nobody to show it to, so it is accepted.
        var r = await accesos.CrearAsync(http.User.EmisorId(),
            new CrearAccesoInput(solicitud.Rfc ?? "", contrasena, solicitud.Email, solicitud.Enviar == true, AceptarAdvertenciaRfc: true),
            actor, baseUrl, ct);
        if (r.Error == AccesosService.MensajeDuplicado)
            return ApiV1.Problema(StatusCodes.Status409Conflict, "Acceso duplicado", r.Error);
        if (r.Error is not null)
            return ApiV1.Problema(StatusCodes.Status400BadRequest, "Datos no válidos", r.Error);
        var rfc = Fiscal.Rfc.Normalizar(solicitud.Rfc);
        return TypedResults.Created($"/api/v1/accesos/{Uri.EscapeDataString(rfc)}", new AccesoCreadoApi(rfc));
    }
}
