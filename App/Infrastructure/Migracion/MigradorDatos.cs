using System.Linq.Expressions;
using System.Reflection;
using System.Security.Cryptography;
using AccesoDescargas.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace AccesoDescargas.Infrastructure.Migracion;

public sealed record TablaMigrada(string Tabla, long Origen, long Copiadas, long Destino);

public sealed record ResumenMigracion(IReadOnlyList<TablaMigrada> Tablas, int Archivos, int ArchivosCopiados, long Bytes);

/// <summary>The destination cannot take this installation's data; the message (Spanish) says why.</summary>
public sealed class MigracionException(string message) : Exception(message);

/// <summary>
/// Copies a whole installation (every row of every table, every stored file) from one database and
/// file store to another, e.g. from SQLite and the data folder to PostgreSQL and S3. Rows keep their
/// keys; a rerun after an interruption copies only what is missing. At the end every table's count
/// and every file's SHA-256 are checked in the destination. A destination that already holds another
/// installation's emisores or key ring is refused before anything is written.
/// </summary>
public sealed class MigradorDatos(
    AppDbContext origen, AppDbContext destino, IFileStore archivosOrigen, IFileStore archivosDestino, ILogger logger)
{
    private const int Lote = 1_000;

    public async Task<ResumenMigracion> MigrarAsync(CancellationToken ct = default)
    {
        origen.ChangeTracker.AutoDetectChangesEnabled = false;
        await destino.Database.MigrateAsync(ct);
        await ComprobarDestinoAsync(ct);

        var tablas = new List<TablaMigrada>();
        foreach (var tipo in EnOrdenDeDependencias(origen.Model))
        {
            var copiar = typeof(MigradorDatos).GetMethod(nameof(CopiarTablaAsync), BindingFlags.NonPublic | BindingFlags.Instance)!
                .MakeGenericMethod(tipo.ClrType);
            var tabla = await (Task<TablaMigrada>)copiar.Invoke(this, [tipo, ct])!;
            logger.LogInformation("Tabla {Tabla}: {Origen} filas en el origen, {Copiadas} copiadas ahora, {Destino} en el destino.",
                tabla.Tabla, tabla.Origen, tabla.Copiadas, tabla.Destino);
            tablas.Add(tabla);
        }
        await destino.AjustarSecuenciasAsync(ct);

        var diferentes = tablas.Where(t => t.Origen != t.Destino).ToList();
        if (diferentes.Count > 0)
            throw new MigracionException("Las filas no coinciden después de copiar: " +
                string.Join("; ", diferentes.Select(t => $"{t.Tabla}: {t.Origen} en el origen y {t.Destino} en el destino")) + ".");

        var (archivos, copiados, bytes) = await CopiarArchivosAsync(ct);
        return new ResumenMigracion(tablas, archivos, copiados, bytes);
    }

    /// <summary>
    /// The destination may be empty, or hold what an interrupted run of this same move left: every
    /// emisor and Data Protection key it has must be the origin's, with the same key and values.
    /// </summary>
    private async Task ComprobarDestinoAsync(CancellationToken ct)
    {
        var emisoresOrigen = await origen.Emisores.AsNoTracking().Select(e => new { e.Id, e.Rfc, e.Slug }).ToListAsync(ct);
        var ajenos = (await destino.Emisores.AsNoTracking().Select(e => new { e.Id, e.Rfc, e.Slug }).ToListAsync(ct))
            .Where(e => !emisoresOrigen.Contains(e)).ToList();
        if (ajenos.Count > 0)
            throw new MigracionException(
                $"El destino ya tiene datos de otra instalación (emisor {ajenos[0].Rfc}, «{ajenos[0].Slug}», que el origen no tiene). " +
                "No se escribió nada: use una base de datos vacía o la de una migración anterior de este mismo origen.");

        var clavesOrigen = await origen.DataProtectionKeys.AsNoTracking().Select(k => k.FriendlyName).ToListAsync(ct);
        var clavesAjenas = (await destino.DataProtectionKeys.AsNoTracking().Select(k => k.FriendlyName).ToListAsync(ct))
            .Except(clavesOrigen).ToList();
        if (clavesAjenas.Count > 0)
            throw new MigracionException(
                $"El destino ya tiene un anillo de claves de otra instalación (clave {clavesAjenas[0]}). " +
                "No se escribió nada: use una base de datos vacía o la de una migración anterior de este mismo origen.");
    }

    private async Task<TablaMigrada> CopiarTablaAsync<T>(IEntityType tipo, CancellationToken ct) where T : class
    {
        var clave = tipo.FindPrimaryKey()!.Properties;
        var nombre = tipo.GetTableName() ?? tipo.ClrType.Name;
        long copiadas = 0;
        if (clave is [{ ClrType: var tipoClave } unica] && (tipoClave == typeof(int) || tipoClave == typeof(long)))
        {
            copiadas = tipoClave == typeof(int)
                ? await CopiarPorClaveAsync<T, int>(unica.Name, ct)
                : await CopiarPorClaveAsync<T, long>(unica.Name, ct);
        }
        else
        {
            // Identity's small tables (roles, claims, tokens) and string keys: page by offset, look each row up.
            for (var desde = 0; ; desde += Lote)
            {
                var filas = await Ordenar(origen.Set<T>().AsNoTracking(), clave).Skip(desde).Take(Lote).ToListAsync(ct);
                if (filas.Count == 0) break;
                foreach (var fila in filas)
                {
                    var valores = clave.Select(p => origen.Entry(fila).Property(p.Name).CurrentValue).ToArray();
                    if (await destino.Set<T>().FindAsync(valores, ct) is null)
                    {
                        destino.Set<T>().Add(fila);
                        copiadas++;
                    }
                }
                await destino.SaveChangesAsync(ct);
                destino.ChangeTracker.Clear();
                origen.ChangeTracker.Clear();
            }
        }
        return new TablaMigrada(nombre, await origen.Set<T>().LongCountAsync(ct), copiadas, await destino.Set<T>().LongCountAsync(ct));
    }

    /// <summary>Keyset pages in key order; each page's rows already in the destination (an earlier run) are skipped.</summary>
    private async Task<long> CopiarPorClaveAsync<T, TClave>(string propiedad, CancellationToken ct)
        where T : class where TClave : struct, IComparable<TClave>
    {
        var e = Expression.Parameter(typeof(T), "e");
        var claveDe = Expression.Lambda<Func<T, TClave>>(
            Expression.Call(typeof(EF), nameof(EF.Property), [typeof(TClave)], e, Expression.Constant(propiedad)), e);
        // Our keys are CLR properties: read them in memory without EF.Property, which only works in queries.
        var leer = Expression.Lambda<Func<T, TClave>>(Expression.Property(e, propiedad), e).Compile();
        long copiadas = 0;
        TClave? ultima = null;
        while (true)
        {
            var consulta = origen.Set<T>().AsNoTracking();
            if (ultima is { } u)
                consulta = consulta.Where(Expression.Lambda<Func<T, bool>>(Expression.GreaterThan(claveDe.Body, Expression.Constant(u)), e));
            var filas = await consulta.OrderBy(claveDe).Take(Lote).ToListAsync(ct);
            if (filas.Count == 0) break;

            var claves = filas.Select(leer).ToList();
            var contiene = Expression.Call(typeof(Enumerable), nameof(Enumerable.Contains), [typeof(TClave)], Expression.Constant(claves), claveDe.Body);
            var existentes = (await destino.Set<T>().AsNoTracking()
                .Where(Expression.Lambda<Func<T, bool>>(contiene, e)).Select(claveDe).ToListAsync(ct)).ToHashSet();
            var nuevas = filas.Where(f => !existentes.Contains(leer(f))).ToList();
            if (nuevas.Count > 0)
            {
                destino.Set<T>().AddRange(nuevas);
                await destino.SaveChangesAsync(ct);
                destino.ChangeTracker.Clear();
                copiadas += nuevas.Count;
            }
            ultima = claves[^1];
        }
        return copiadas;
    }

    private static IQueryable<T> Ordenar<T>(IQueryable<T> q, IReadOnlyList<IProperty> clave) where T : class
    {
        var ordenada = q.OrderBy(x => EF.Property<object>(x, clave[0].Name));
        foreach (var p in clave.Skip(1)) ordenada = ordenada.ThenBy(x => EF.Property<object>(x, p.Name));
        return ordenada;
    }

    /// <summary>Every file a row points to, copied when the destination lacks it, then read back and hashed there.</summary>
    private async Task<(int Archivos, int Copiados, long Bytes)> CopiarArchivosAsync(CancellationToken ct)
    {
        var claves = new SortedSet<string>(StringComparer.Ordinal);
        await foreach (var c in origen.Comprobantes.AsNoTracking().Select(c => new { c.XmlKey, c.PdfKey }).AsAsyncEnumerable().WithCancellation(ct))
        {
            claves.Add(c.XmlKey);
            if (c.PdfKey is not null) claves.Add(c.PdfKey);
        }
        await foreach (var logo in origen.Emisores.AsNoTracking().Where(e => e.LogoKey != null).Select(e => e.LogoKey!).AsAsyncEnumerable().WithCancellation(ct))
            claves.Add(logo);

        int copiados = 0, hechos = 0;
        long bytes = 0;
        foreach (var clave in claves)
        {
            var esperado = ShaDeClave(clave);
            var huella = await HuellaAsync(archivosDestino, clave, ct);
            if (huella?.Sha != esperado)
            {
                await using (var lectura = archivosOrigen.Abrir(clave)
                    ?? throw new MigracionException($"Falta en el almacén de origen el archivo {clave}, al que apunta una fila."))
                {
                    var guardado = await archivosDestino.GuardarAsync(lectura, Path.GetExtension(clave), ct);
                    if (guardado.Key != clave)
                        throw new MigracionException($"El archivo {clave} del origen está dañado: su contenido tiene otra huella ({guardado.Sha256}).");
                }
                copiados++;
                huella = await HuellaAsync(archivosDestino, clave, ct);
                if (huella?.Sha != esperado)
                    throw new MigracionException($"El archivo {clave} no se leyó igual en el destino después de copiarlo.");
            }
            bytes += huella.Value.Tamano;
            if (++hechos % 1_000 == 0) logger.LogInformation("Archivos: {Hechos} de {Total} verificados.", hechos, claves.Count);
        }
        logger.LogInformation("Archivos: {Total} verificados por SHA-256 en el destino ({Copiados} copiados ahora).", claves.Count, copiados);
        return (claves.Count, copiados, bytes);
    }

    /// <summary>Keys are "ab/{sha256}.{ext}".</summary>
    private static string ShaDeClave(string clave) => Path.GetFileNameWithoutExtension(clave[(clave.IndexOf('/') + 1)..]);

    /// <summary>The SHA-256 and size of what the store returns for the key, read to the end; null when it has no such file.</summary>
    private static async Task<(string Sha, long Tamano)?> HuellaAsync(IFileStore almacen, string clave, CancellationToken ct)
    {
        await using var lectura = almacen.Abrir(clave);
        if (lectura is null) return null;
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81920];
        long tamano = 0;
        int n;
        while ((n = await lectura.ReadAsync(buffer, ct)) > 0)
        {
            hash.AppendData(buffer, 0, n);
            tamano += n;
        }
        return (Convert.ToHexStringLower(hash.GetHashAndReset()), tamano);
    }

    /// <summary>Parents before children, so every foreign key finds its row.</summary>
    private static List<IEntityType> EnOrdenDeDependencias(IModel modelo)
    {
        var tipos = modelo.GetEntityTypes().Where(t => !t.IsOwned() && t.FindPrimaryKey() is not null && t.GetTableName() is not null).ToList();
        var orden = new List<IEntityType>();
        var vistos = new HashSet<IEntityType>();
        void Visitar(IEntityType t)
        {
            if (!vistos.Add(t)) return;
            foreach (var fk in t.GetForeignKeys())
                if (fk.PrincipalEntityType != t && tipos.Contains(fk.PrincipalEntityType)) Visitar(fk.PrincipalEntityType);
            orden.Add(t);
        }
        foreach (var t in tipos.OrderBy(t => t.GetTableName(), StringComparer.Ordinal)) Visitar(t);
        return orden;
    }
}
