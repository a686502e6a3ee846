using AccesoDescargas.Features.Accesos;
using AccesoDescargas.Features.ApiKeys;
using AccesoDescargas.Features.Auditoria;
using AccesoDescargas.Features.Clientes;
using AccesoDescargas.Features.Comprobantes;
using AccesoDescargas.Features.Correos;
using AccesoDescargas.Features.Emisores;
using AccesoDescargas.Features.Portal;
using AccesoDescargas.Fiscal;
using System.Linq.Expressions;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace AccesoDescargas.Infrastructure;

/// <summary>
/// The app's data, and the SQLite model with its migrations (Infrastructure/Migrations).
/// <see cref="PostgreSql.PostgresAppDbContext"/> derives from it with the PostgreSQL model and its own
/// migration set; features only see this type. What differs between the engines lives in the few
/// virtual members below (and in <see cref="ErroresBaseDatos"/>), never in features.
/// </summary>
public class AppDbContext : IdentityDbContext<Usuario>, IDataProtectionKeyContext
{
    public AppDbContext(DbContextOptions<AppDbContext> options) : base(options) { }

    /// <summary>For a derived provider's context, with its own options type.</summary>
    protected AppDbContext(DbContextOptions options) : base(options) { }

    public DbSet<Emisor> Emisores => Set<Emisor>();
    public DbSet<Cliente> Clientes => Set<Cliente>();
    public DbSet<AccesoDescarga> Accesos => Set<AccesoDescarga>();
    public DbSet<EnlaceAcceso> Enlaces => Set<EnlaceAcceso>();
    public DbSet<Comprobante> Comprobantes => Set<Comprobante>();
    public DbSet<Evento> Eventos => Set<Evento>();
    public DbSet<CorreoSaliente> Correos => Set<CorreoSaliente>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<IntentoSinAcceso> IntentosSinAcceso => Set<IntentoSinAcceso>();
    public DbSet<CfdiRelacion> Relaciones => Set<CfdiRelacion>();
    public DbSet<PagoAplicado> PagosAplicados => Set<PagoAplicado>();
    public DbSet<ConsultaSat> ConsultasSat => Set<ConsultaSat>();
    /// <summary>The Data Protection key ring, shared by every instance (cookies, antiforgery, the encrypted outbox).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b);

        b.Entity<Emisor>(e =>
        {
            e.ToTable("Emisores");
            e.Property(x => x.Rfc).HasMaxLength(13);
            e.Property(x => x.RazonSocial).HasMaxLength(300);
            e.Property(x => x.Slug).HasMaxLength(60);
            e.HasIndex(x => x.Slug).IsUnique();
            // An RFC belongs to one emisor per installation (stored normalised: trimmed, upper-case).
            e.HasIndex(x => x.Rfc).IsUnique();
            e.Property(x => x.CsdNoCertificado).HasMaxLength(40);
        });

        b.Entity<Usuario>(e => e.HasOne(x => x.Emisor).WithMany().HasForeignKey(x => x.EmisorId));

        b.Entity<Cliente>(e =>
        {
            e.ToTable("Clientes");
            e.Property(x => x.Rfc).HasMaxLength(13);
            e.Property(x => x.Nombre).HasMaxLength(300);
            e.Property(x => x.Email).HasMaxLength(254);
            e.HasIndex(x => new { x.EmisorId, x.Rfc }).IsUnique();
            e.HasIndex(x => new { x.EmisorId, x.Nombre });
        });

        b.Entity<AccesoDescarga>(e =>
        {
            e.ToTable("Accesos");
            e.Property(x => x.Rfc).HasMaxLength(13);
            e.Property(x => x.Email).HasMaxLength(254);
            e.Property(x => x.PasswordHash).HasMaxLength(200);
            e.Property(x => x.SelloSeguridad).HasMaxLength(40);
            e.HasIndex(x => new { x.EmisorId, x.Rfc }).IsUnique();
            // The grid's other sort orders.
            e.HasIndex(x => new { x.EmisorId, x.UltimoEnvioEn });
            e.HasIndex(x => new { x.EmisorId, x.UltimoAccesoEn });
            e.HasIndex(x => new { x.EmisorId, x.ContrasenaCambiadaEn });
        });

        b.Entity<EnlaceAcceso>(e =>
        {
            e.ToTable("Enlaces");
            e.Property(x => x.TokenHash).HasMaxLength(64);
            e.Property(x => x.Sello).HasMaxLength(40);
            e.HasIndex(x => x.TokenHash).IsUnique();
            e.HasIndex(x => new { x.AccesoId, x.Tipo, x.Id });
            e.HasOne<AccesoDescarga>().WithMany().HasForeignKey(x => x.AccesoId).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<Comprobante>(e =>
        {
            e.ToTable("Comprobantes");
            e.Property(x => x.Uuid).HasMaxLength(36);
            e.Property(x => x.Version).HasMaxLength(4);
            e.Property(x => x.Serie).HasMaxLength(25);
            e.Property(x => x.Folio).HasMaxLength(40);
            e.Property(x => x.Tipo).HasMaxLength(1);
            e.Property(x => x.Moneda).HasMaxLength(3);
            e.Property(x => x.ReceptorRfc).HasMaxLength(13);
            e.Property(x => x.ReceptorNombre).HasMaxLength(300);
            e.Property(x => x.XmlKey).HasMaxLength(80);
            e.Property(x => x.PdfKey).HasMaxLength(80);
            e.HasIndex(x => new { x.EmisorId, x.Uuid }).IsUnique();
            e.HasIndex(x => new { x.EmisorId, x.ReceptorRfc, x.Fecha });
            e.HasIndex(x => new { x.EmisorId, x.Fecha });
            e.HasIndex(x => new { x.EmisorId, x.ImportadoEn }); // the home page's "importados este mes"
            // Which rows use a stored file: the start-up sweep and the removal of a replaced PDF. Only the
            // PDFs that exist: the generator's queue (PdfKey IS NULL) keeps its own filtered index above.
            e.HasIndex(x => x.XmlKey);
            e.HasIndex(x => x.PdfKey).HasFilter("\"PdfKey\" IS NOT NULL");
            // The PDF generator's queue: comprobantes still without a PDF.
            e.HasIndex(x => x.Id).HasFilter("\"PdfKey\" IS NULL").HasDatabaseName("IX_Comprobantes_SinPdf");
            e.Property(x => x.MetodoPago).HasMaxLength(40);
            e.Property(x => x.FormaPago).HasMaxLength(100);
            e.Property(x => x.SatEsCancelable).HasMaxLength(60);
            e.Property(x => x.SatEstatusCancelacion).HasMaxLength(60);
            e.Property(x => x.SatValidacionEfos).HasMaxLength(10);
            e.Ignore(x => x.EsCancelado);
            // The backfill's queue, the "con saldo pendiente" filter and the per-cliente saldo, the SAT refresher.
            e.HasIndex([nameof(Comprobante.Id)], "IX_Comprobantes_SinRelaciones").HasFilter("NOT \"RelacionesLeidas\"");
            e.HasIndex(x => new { x.EmisorId, x.ReceptorRfc, x.EstadoPago, x.Fecha });
            e.HasIndex(x => new { x.EmisorId, x.EstadoPago, x.ReceptorRfc });
            e.HasIndex(x => new { x.EmisorId, x.EstadoSat, x.Fecha });
            e.HasIndex(x => new { x.FechaTimbrado, x.EstadoSatVerificadoEn });
        });

        b.Entity<CfdiRelacion>(e =>
        {
            e.ToTable("Relaciones");
            e.Property(x => x.ReceptorRfc).HasMaxLength(13);
            e.Property(x => x.TipoRelacion).HasMaxLength(2);
            e.Property(x => x.Uuid).HasMaxLength(36);
            e.HasOne(x => x.Comprobante).WithMany(c => c.Relaciones).HasForeignKey(x => x.ComprobanteId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.EmisorId, x.ReceptorRfc, x.Uuid });
        });

        b.Entity<PagoAplicado>(e =>
        {
            e.ToTable("PagosAplicados");
            e.Property(x => x.ReceptorRfc).HasMaxLength(13);
            e.Property(x => x.IdDocumento).HasMaxLength(36);
            e.Property(x => x.FormaDePago).HasMaxLength(40);
            e.Property(x => x.MonedaPago).HasMaxLength(3);
            e.Property(x => x.MonedaDocumento).HasMaxLength(3);
            e.HasOne(x => x.Comprobante).WithMany(c => c.PagosAplicados).HasForeignKey(x => x.ComprobanteId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.EmisorId, x.ReceptorRfc, x.IdDocumento });
        });

        b.Entity<ConsultaSat>(e =>
        {
            e.ToTable("ConsultasSat");
            e.Property(x => x.CodigoEstatus).HasMaxLength(300);
            e.Property(x => x.EsCancelable).HasMaxLength(60);
            e.Property(x => x.EstatusCancelacion).HasMaxLength(60);
            e.Property(x => x.ValidacionEfos).HasMaxLength(10);
            e.HasOne<Comprobante>().WithMany().HasForeignKey(x => x.ComprobanteId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.ComprobanteId, x.Cuando });
        });

        b.Entity<Evento>(e =>
        {
            e.ToTable("Eventos");
            e.Property(x => x.Quien).HasMaxLength(260);
            e.Property(x => x.Que).HasMaxLength(60);
            e.Property(x => x.Rfc).HasMaxLength(13);
            e.Property(x => x.Uuid).HasMaxLength(36);
            e.Property(x => x.Ip).HasMaxLength(45);
            e.HasIndex(x => new { x.EmisorId, x.Rfc, x.Cuando });
            e.HasIndex(x => new { x.EmisorId, x.Cuando });
        });

        b.Entity<CorreoSaliente>(e =>
        {
            e.ToTable("Correos");
            e.Property(x => x.Para).HasMaxLength(254);
            e.Property(x => x.Asunto).HasMaxLength(300);
            e.Property(x => x.Tipo).HasMaxLength(30);
            e.Property(x => x.Rfc).HasMaxLength(13);
            e.Property(x => x.Uuid).HasMaxLength(36);
            e.Property(x => x.UltimoError).HasMaxLength(1000);
            e.HasIndex(x => new { x.Estado, x.SiguienteIntentoEn });
            e.HasIndex(x => new { x.EmisorId, x.CreadoEn });
        });

        b.Entity<IntentoSinAcceso>(e =>
        {
            e.ToTable("IntentosSinAcceso");
            e.Property(x => x.Rfc).HasMaxLength(13);
            e.HasIndex(x => new { x.EmisorId, x.Rfc }).IsUnique();
            e.HasIndex(x => x.ActualizadoEn);
        });

        b.Entity<ApiKey>(e =>
        {
            e.ToTable("ApiKeys");
            e.Property(x => x.Nombre).HasMaxLength(100);
            e.Property(x => x.Prefijo).HasMaxLength(12);
            e.Property(x => x.Hash).HasMaxLength(64);
            e.HasIndex(x => x.Hash).IsUnique();
            e.HasIndex(x => x.EmisorId);
        });

        ConfigurarProveedor(b);
    }

    /// <summary>
    /// SQLite: the clientes' nombre compares with NOCASE, so that the (EmisorId, Nombre) index answers a
    /// case-insensitive prefix search (<see cref="ClientesPorNombre"/>) and the grid's order. Text
    /// columns otherwise compare as UTF-8 bytes (BINARY), which <see cref="Prefijo"/> relies on.
    /// </summary>
    protected virtual void ConfigurarProveedor(ModelBuilder b)
    {
        b.Entity<Cliente>().Property(x => x.Nombre).UseCollation("NOCASE");
        b.Entity<Comprobante>(e => BusquedaFolio.Configurar(e, guardadas: false, intercalacion: null));
    }

    /// <summary>
    /// A list of comprobantes sorted by total, then by date. SQLite stores decimals as text, which sorts by
    /// characters: the total is compared as a number (no index can serve that; 25 ms at 50,000 for one RFC).
    /// </summary>
    public virtual IOrderedQueryable<Comprobante> OrdenarPorTotal(IQueryable<Comprobante> q, bool descendente) => descendente
        ? q.OrderByDescending(c => (double)c.Total).ThenByDescending(c => c.Fecha)
        : q.OrderBy(c => (double)c.Total).ThenByDescending(c => c.Fecha);

    /// <summary>
    /// The emisor's clientes whose nombre starts with <paramref name="prefijo"/>, ignoring case, as
    /// index range lookups. SQLite's NOCASE folds only ASCII letters (é and É differ), so the text is
    /// looked up as typed and upper-cased, the two ranges united.
    /// </summary>
    public virtual IQueryable<T> ClientesPorNombre<T>(int emisorId, string prefijo, Expression<Func<Cliente, T>> seleccion)
    {
        var clientes = Clientes.AsNoTracking().Where(c => c.EmisorId == emisorId);
        var (desde, hasta) = Prefijo.Rango(prefijo);
        var (mayusDesde, mayusHasta) = Prefijo.Rango(prefijo.ToUpper(Components.UiExtensions.Cultura));
        return clientes.Where(c => string.Compare(c.Nombre, desde) >= 0 && string.Compare(c.Nombre, hasta) < 0).Select(seleccion)
            .Union(clientes.Where(c => string.Compare(c.Nombre, mayusDesde) >= 0 && string.Compare(c.Nombre, mayusHasta) < 0).Select(seleccion));
    }

    /// <summary>
    /// The emisor's number of accesses as the database keeps it (<see cref="ConteoAccesos"/>): one short
    /// read instead of a COUNT over all of them, and equal to that COUNT in the reader's transaction.
    /// </summary>
    public Task<int> TotalAccesosAsync(int emisorId, CancellationToken ct = default) => ConteoAccesos.TotalAsync(this, emisorId, ct);

    /// <summary>
    /// Run once at start after the migrations. SQLite: the WAL journal lets readers go on while one
    /// writer commits, and optimize gathers the statistics the planner needs to pick the grids'
    /// indexes (cheap when nothing changed).
    /// </summary>
    public virtual async Task PrepararAsync(CancellationToken ct = default)
    {
        await Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
        await Database.ExecuteSqlRawAsync("PRAGMA optimize=0x10002;", ct);
    }

    /// <summary>
    /// After rows were inserted with their own keys (moving an installation), the key generator must
    /// continue past them. SQLite's AUTOINCREMENT-free keys follow the largest rowid by themselves.
    /// </summary>
    public virtual Task AjustarSecuenciasAsync(CancellationToken ct = default) => Task.CompletedTask;
}
