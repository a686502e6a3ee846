using System.Linq.Expressions;
using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Features.Clientes;
using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Features.Emisores;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AccesoDescargas.Infrastructure.PostgreSql;

/// <summary>
/// The PostgreSQL model (<c>Database:Provider</c> = <c>PostgreSql</c>) with its own migration set in
/// Infrastructure/PostgreSql/Migrations. It keeps SQLite's behaviour where features rely on it:
/// byte-order comparison of RFCs and UUIDs, date-times stored as they are given (no time zone), and a
/// case-insensitive nombre search answered from an index.
/// </summary>
public sealed class PostgresAppDbContext(DbContextOptions<PostgresAppDbContext> options) : AppDbContext(options)
{
    /// <summary>The stored, lower-cased copy of the clientes' nombre that the prefix search uses.</summary>
    public const string NombreMinusculas = "NombreMinusculas";

    protected override void ConfigureConventions(ModelConfigurationBuilder c)
    {
        base.ConfigureConventions(c);
        // "timestamp with time zone", the type PostgreSQL compares with now() (DateTime.UtcNow in a
        // query). The app writes UTC instants and the CFDI's own local dates; like SQLite, each is stored
        // as given (the Kind is not converted, only labelled so that Npgsql accepts it; sessions run in
        // UTC) and read back without a Kind.
        c.Properties<DateTime>().HaveConversion<ComoUtc>();
    }

    protected override void ConfigurarProveedor(ModelBuilder b)
    {
        // "C": compared as UTF-8 bytes, like SQLite, so prefix ranges (Prefijo) and the RFC order match.
        b.Entity<Emisor>().Property(x => x.Rfc).UseCollation("C");
        b.Entity<AccesoDescarga>(e =>
        {
            e.Property(x => x.Rfc).UseCollation("C");
            // The grid pages the ids in RFC order first: with the Id in the index (SQLite's carry it as
            // the rowid) a deep page is an index-only walk instead of a read of every skipped row.
            e.HasIndex(x => new { x.EmisorId, x.Rfc }).IncludeProperties(x => x.Id);
            // The grid sorts by a date, then by Id. SQLite's indexes end in the rowid (the Id), so
            // (EmisorId, fecha) serves that order; PostgreSQL's do not, and without the Id every page
            // sorted all of the emisor's accesses (90 ms at 100,000, AccesosBenchmark).
            foreach (var fecha in new[] { nameof(AccesoDescarga.UltimoEnvioEn), nameof(AccesoDescarga.UltimoAccesoEn), nameof(AccesoDescarga.ContrasenaCambiadaEn) })
            {
                e.Metadata.RemoveIndex([e.Metadata.FindProperty(nameof(AccesoDescarga.EmisorId))!, e.Metadata.FindProperty(fecha)!]);
                e.HasIndex(nameof(AccesoDescarga.EmisorId), fecha, nameof(AccesoDescarga.Id));
            }
        });
        b.Entity<Comprobante>(e =>
        {
            e.Property(x => x.ReceptorRfc).UseCollation("C");
            e.Property(x => x.Uuid).UseCollation("C");
            // The portal lists a receptor's comprobantes by Fecha, then Id: as for the accesses above,
            // PostgreSQL's index needs the Id that SQLite's carries as its rowid.
            e.Metadata.RemoveIndex([e.Metadata.FindProperty(nameof(Comprobante.EmisorId))!, e.Metadata.FindProperty(nameof(Comprobante.ReceptorRfc))!,
                e.Metadata.FindProperty(nameof(Comprobante.Fecha))!]);
            e.HasIndex(x => new { x.EmisorId, x.ReceptorRfc, x.Fecha, x.Id });
            // The portal's list sorted by total (47 ms at 50,000 comprobantes for one RFC without it).
            e.HasIndex(x => new { x.EmisorId, x.ReceptorRfc, x.Total, x.Fecha });
            BusquedaFolio.Configurar(e, guardadas: true, intercalacion: "C");
        });
        b.Entity<Cliente>(e =>
        {
            e.Property(x => x.Rfc).UseCollation("C");
            // lower() folds every letter (é and É too) in the database's locale; the "C" copy is what
            // the (EmisorId, NombreMinusculas) index ranges over.
            e.Property<string>(NombreMinusculas).HasMaxLength(300).UseCollation("C")
                .HasComputedColumnSql("lower(\"Nombre\")", stored: true);
            e.HasIndex("EmisorId", NombreMinusculas);
        });
    }

    /// <summary>One range lookup on the (EmisorId, lower-cased nombre) index.</summary>
    public override IQueryable<T> ClientesPorNombre<T>(int emisorId, string prefijo, Expression<Func<Cliente, T>> seleccion)
    {
        var (desde, hasta) = Prefijo.Rango(prefijo.ToLowerInvariant());
        return Clientes.AsNoTracking()
            .Where(c => c.EmisorId == emisorId
                        && string.Compare(EF.Property<string>(c, NombreMinusculas), desde) >= 0
                        && string.Compare(EF.Property<string>(c, NombreMinusculas), hasta) < 0)
            .Select(seleccion);
    }

    /// <summary>numeric sorts as a number: the (EmisorId, ReceptorRfc, Total, Fecha) index answers the page.</summary>
    public override IOrderedQueryable<Comprobante> OrdenarPorTotal(IQueryable<Comprobante> q, bool descendente) => descendente
        ? q.OrderByDescending(c => c.Total).ThenByDescending(c => c.Fecha)
        : q.OrderBy(c => c.Total).ThenByDescending(c => c.Fecha);

    /// <summary>Nothing to tune at start: autovacuum keeps the planner's statistics.</summary>
    public override Task PrepararAsync(CancellationToken ct = default) => Task.CompletedTask;

    /// <summary>Identity columns keep their own counter: move each past the largest key copied in.</summary>
    public override async Task AjustarSecuenciasAsync(CancellationToken ct = default)
    {
        foreach (var tipo in Model.GetEntityTypes())
        {
            if (tipo.GetTableName() is not { } tabla || tipo.FindPrimaryKey()?.Properties is not [var clave]
                || clave.ValueGenerated != Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.OnAdd
                || (clave.ClrType != typeof(int) && clave.ClrType != typeof(long))) continue;
            var columna = clave.GetColumnName();
            // Identifiers come from our own model, never from input.
#pragma warning disable EF1002
            await Database.ExecuteSqlRawAsync(
                $"SELECT setval(pg_get_serial_sequence('\"{tabla}\"', '{columna}'), COALESCE(MAX(\"{columna}\"), 1), MAX(\"{columna}\") IS NOT NULL) FROM \"{tabla}\"", ct);
#pragma warning restore EF1002
        }
    }

    private sealed class ComoUtc() : ValueConverter<DateTime, DateTime>(
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc), v => DateTime.SpecifyKind(v, DateTimeKind.Unspecified));
}
