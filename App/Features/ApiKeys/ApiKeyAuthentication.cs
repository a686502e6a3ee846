using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace AccesoDescargas.Features.ApiKeys;

/// <summary>Authenticates /api/v1 callers by the X-Api-Key header: its SHA-256 must match an unrevoked key.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    IDbContextFactory<AppDbContext> dbFactory)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string Esquema = "ApiKey";
    public const string Cabecera = "X-Api-Key";

    private sealed record Clave(int Id, int EmisorId, DateTime? UltimoUsoEn);

    private static readonly ConsultaCompilada<Func<AppDbContext, string, Task<Clave?>>> Buscar =
        new(() => EF.CompileAsyncQuery((AppDbContext db, string hash) => db.ApiKeys
            .Where(k => k.Hash == hash && k.RevocadaEn == null)
            .Select(k => new Clave(k.Id, k.EmisorId, k.UltimoUsoEn))
            .FirstOrDefault()));

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.TryGetValue(Cabecera, out var valores)) return AuthenticateResult.NoResult();
        var clave = valores.ToString().Trim();
        if (clave.Length is 0 or > 200) return AuthenticateResult.Fail("Clave no válida.");

        await using var db = await dbFactory.CreateDbContextAsync(Context.RequestAborted);
        var encontrada = await Buscar.Para(db)(db, ApiKeysService.Hash(clave));
        if (encontrada is null) return AuthenticateResult.Fail("Clave no válida.");

        // "Último uso" to the minute is enough, and spares a write on every request.
        var ahora = DateTime.UtcNow;
        if (encontrada.UltimoUsoEn is null || ahora - encontrada.UltimoUsoEn > TimeSpan.FromMinutes(1))
            await db.ApiKeys.Where(k => k.Id == encontrada.Id).ExecuteUpdateAsync(s => s.SetProperty(k => k.UltimoUsoEn, ahora), Context.RequestAborted);

        var identidad = new ClaimsIdentity(
            [
                new Claim(UsuarioClaimsFactory.EmisorIdClaim, encontrada.EmisorId.ToString(CultureInfo.InvariantCulture)),
                new Claim(ClaimTypes.Name, "api"),
                new Claim("api_key_id", encontrada.Id.ToString(CultureInfo.InvariantCulture)),
            ], Esquema);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identidad), Esquema));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = $"{Esquema} header=\"{Cabecera}\"";
        await Results.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "No autorizado",
            detail: Request.Headers.ContainsKey(Cabecera)
                ? "La clave de API no es válida o fue revocada."
                : $"Falta la cabecera {Cabecera} con una clave de API del emisor.").ExecuteAsync(Context);
    }
}

public static class ApiKeysExtensions
{
    public const string PoliticaApi = "api";

    public static WebApplicationBuilder AddApiKeys(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<ApiKeysService>();
        builder.Services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.Esquema, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PoliticaApi, p => p.AddAuthenticationSchemes(ApiKeyAuthenticationHandler.Esquema).RequireAuthenticatedUser());
        return builder;
    }
}

public static class ApiV1
{
    /// <summary>The integrators' API: every route authenticated by X-Api-Key; no cookies, so no antiforgery.</summary>
    public static RouteGroupBuilder MapApiV1(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/v1").RequireAuthorization(ApiKeysExtensions.PoliticaApi).DisableAntiforgery();

    public static ProblemHttpResult Problema(int status, string titulo, string detalle, IDictionary<string, object?>? extensiones = null) =>
        TypedResults.Problem(statusCode: status, title: titulo, detail: detalle, extensions: extensiones);
}
