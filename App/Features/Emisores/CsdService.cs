using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Infrastructure;
using AccesoDescargas.Infrastructure.Email;
using Microsoft.EntityFrameworkCore;

namespace AccesoDescargas.Features.Emisores;

public sealed record EstadoVerificacion(string Rfc, DateTime? VerificadoEn, string? NoCertificado, DateTime? VigenteDesde, DateTime? VigenteHasta)
{
    public bool Verificado => VerificadoEn is not null;
}

/// <summary>The emisor's proof of its RFC: checks an uploaded CSD and records what it proved (never the key or its password).</summary>
public sealed class CsdService(IDbContextFactory<AppDbContext> dbFactory, VerificadorCsd verificador, Outbox outbox, ILogger<CsdService> logger)
{
    public async Task<EstadoVerificacion?> EstadoAsync(int emisorId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Emisores.AsNoTracking().Where(e => e.Id == emisorId)
            .Select(e => new EstadoVerificacion(e.Rfc, e.VerificadoEn, e.CsdNoCertificado, e.CsdVigenteDesde, e.CsdVigenteHasta))
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>Null when the CSD proved the emisor's RFC (now verified), otherwise the reason in Spanish.</summary>
    public async Task<string?> VerificarAsync(int emisorId, byte[] cer, byte[] key, string password, Actor actor, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var emisor = await db.Emisores.FirstOrDefaultAsync(e => e.Id == emisorId, ct);
        if (emisor is null) return "No se encontró el emisor.";
        var resultado = verificador.Verificar(cer, key, password, emisor.Rfc);
        if (resultado.Csd is not { } csd)
        {
            logger.LogInformation("CSD rechazado para el emisor {EmisorId}: {Motivo}", emisorId, resultado.Error);
            return resultado.Error;
        }
        emisor.VerificadoEn ??= DateTime.UtcNow;
        (emisor.CsdNoCertificado, emisor.CsdVigenteDesde, emisor.CsdVigenteHasta) = (csd.NoCertificado, csd.VigenteDesde, csd.VigenteHasta);
        Eventos.Registrar(db, emisorId, actor.Quien, "emisor.verificado", detalle: $"CSD {csd.NoCertificado}", ip: actor.Ip);
        await db.SaveChangesAsync(ct);
        logger.LogInformation("Emisor {EmisorId} ({Rfc}) verificado con el CSD {NoCertificado}", emisorId, emisor.Rfc, csd.NoCertificado);
        outbox.Despertar(); // the emails held while unverified can go now
        return null;
    }
}
