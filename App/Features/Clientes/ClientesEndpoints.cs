using System.Data;
using System.Text;
using AccesoDescargas.Features.ApiKeys;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Caching.Memory;
using MiniExcelLibs;

namespace AccesoDescargas.Features.Clientes;

public sealed record RechazoApi(int Fila, string Rfc, string Motivo);

public sealed record ImportacionClientesApi(int Creados, int Actualizados, int SinCambios, IReadOnlyList<RechazoApi> Rechazados);

/// <summary>The refused rows of a preview, kept for a while so that the page can link to them as a CSV download.</summary>
public sealed class RechazosImportacion : IDisposable
{
    private readonly MemoryCache cache = new(new MemoryCacheOptions { SizeLimit = 2_000_000 });

    public Guid Guardar(int emisorId, IReadOnlyList<RechazoFila> rechazos)
    {
        var id = Guid.NewGuid();
        cache.Set(id, (emisorId, rechazos), new MemoryCacheEntryOptions { Size = Math.Max(1, rechazos.Count), SlidingExpiration = TimeSpan.FromHours(1) });
        return id;
    }

    public IReadOnlyList<RechazoFila>? Obtener(int emisorId, Guid id) =>
        cache.TryGetValue(id, out (int EmisorId, IReadOnlyList<RechazoFila> Rechazos) e) && e.EmisorId == emisorId ? e.Rechazos : null;

    public void Dispose() => cache.Dispose();
}

public static class ClientesEndpoints
{
    public static WebApplicationBuilder AddClientes(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<ImportacionClientesOptions>(builder.Configuration.GetSection("Clientes:Importacion"));
        builder.Services.AddScoped<ClientesService>();
        builder.Services.AddScoped<ImportacionClientesService>();
        builder.Services.AddSingleton<RechazosImportacion>();
        return builder;
    }

    public static IEndpointRouteBuilder MapClientesEndpoints(this IEndpointRouteBuilder app)
    {
        var staff = app.MapGroup("/clientes/importar").RequireAuthorization();
        staff.MapGet("/plantilla.csv", () => TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(
            "RFC,Nombre,Correo electrónico,Régimen fiscal,Código postal\r\n")).ToArray(), "text/csv; charset=utf-8", "plantilla-clientes.csv"));
        staff.MapGet("/plantilla.xlsx", PlantillaXlsx);
        staff.MapGet("/rechazados/{id:guid}", (Guid id, HttpContext http, RechazosImportacion rechazos) =>
            rechazos.Obtener(http.User.EmisorId(), id) is { } filas
                ? Results.Stream(s => EscribirRechazosAsync(s, filas, http.RequestAborted), "text/csv; charset=utf-8", "clientes-rechazados.csv")
                : Results.NotFound());

        app.MapApiV1().MapPost("/clientes/importar", ImportarApiAsync);
        return app;
    }

    private static FileContentHttpResult PlantillaXlsx()
    {
        var tabla = new DataTable("Clientes");
        foreach (var c in new[] { "RFC", "Nombre", "Correo electrónico", "Régimen fiscal", "Código postal" }) tabla.Columns.Add(c, typeof(string));
        using var ms = new MemoryStream();
        ms.SaveAs(tabla, sheetName: "Clientes", excelType: ExcelType.XLSX);
        return TypedResults.File(ms.ToArray(), LectorClientes.ContentTypeXlsx, "plantilla-clientes.xlsx");
    }

    public static async Task EscribirRechazosAsync(Stream destino, IReadOnlyList<RechazoFila> filas, CancellationToken ct)
    {
        await using var w = new StreamWriter(destino, new UTF8Encoding(true), 65536, leaveOpen: true);
        await w.WriteAsync("Fila,RFC,Motivo\r\n");
        foreach (var f in filas)
        {
            ct.ThrowIfCancellationRequested();
            await w.WriteAsync($"{f.Fila},{Csv(f.Rfc)},{Csv(f.Motivo)}\r\n");
        }
    }

    private static string Csv(string v) =>
        // A leading = + - @ would make a spreadsheet run the cell as a formula.
        "\"" + (v.Length > 0 && "=+-@".Contains(v[0]) ? "'" + v : v).Replace("\"", "\"\"") + "\"";

    /// <summary>Copies an upload that cannot seek to a temporary file that deletes itself on close.</summary>
    public static async Task<FileStream> CopiarATemporalAsync(Stream origen, DataDirectory data, long limite, CancellationToken ct)
    {
        var carpeta = data.Combine("tmp", "clientes");
        Directory.CreateDirectory(carpeta);
        var destino = new FileStream(Path.Combine(carpeta, Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 81920, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
        try
        {
            var buffer = new byte[81920];
            long total = 0;
            int n;
            while ((n = await origen.ReadAsync(buffer, ct)) > 0)
            {
                total += n;
                if (total > limite) throw new ArchivoIlegibleException($"El archivo pasa del límite de {limite / (1024 * 1024)} MB.");
                await destino.WriteAsync(buffer.AsMemory(0, n), ct);
            }
            destino.Position = 0;
            return destino;
        }
        catch
        {
            await destino.DisposeAsync();
            throw;
        }
    }

    private static async Task<Results<Ok<ImportacionClientesApi>, ProblemHttpResult>> ImportarApiAsync(
        HttpContext http, ImportacionClientesService importacion, DataDirectory data, bool? actualizar, bool? sobrescribir, CancellationToken ct)
    {
        var tipo = http.Request.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (tipo is not ("text/csv" or LectorClientes.ContentTypeXlsx))
            return ApiV1.Problema(StatusCodes.Status400BadRequest, "Tipo de contenido no válido",
                $"Envíe el archivo como cuerpo con Content-Type text/csv o {LectorClientes.ContentTypeXlsx}.");
        var modo = sobrescribir == true ? ModoExistentes.Sobrescribir : actualizar == true ? ModoExistentes.LlenarVacios : ModoExistentes.NoTocar;
        try
        {
            await using var archivo = await CopiarATemporalAsync(http.Request.Body, data, importacion.Limites.TamanoMaximo, ct);
            if (archivo.Length == 0) throw new ArchivoIlegibleException("El archivo está vacío.");
            var esXlsx = LectorClientes.Detectar(archivo) == FormatoArchivo.Xlsx;
            if (esXlsx != (tipo == LectorClientes.ContentTypeXlsx))
                throw new ArchivoIlegibleException(esXlsx ? "El contenido es un .xlsx: envíelo con su Content-Type." : "El contenido no es un libro .xlsx.");
            var actor = new Actor("api", http.Connection.RemoteIpAddress?.ToString());
            var r = await importacion.ImportarAsync(http.User.EmisorId(), archivo, modo, actor, nombreArchivo: "API", ct: ct);
            if (r.Error is not null)
                return ApiV1.Problema(StatusCodes.Status500InternalServerError, "Importación detenida", r.Error,
                    new Dictionary<string, object?> { ["creados"] = r.Creados, ["actualizados"] = r.Actualizados });
            return TypedResults.Ok(new ImportacionClientesApi(r.Creados, r.Actualizados, r.SinCambios,
                r.Rechazados.Select(x => new RechazoApi(x.Fila, x.Rfc, x.Motivo)).ToList()));
        }
        catch (ArchivoIlegibleException e)
        {
            return ApiV1.Problema(StatusCodes.Status400BadRequest, "Archivo no válido", e.Message);
        }
    }
}
