using System.Collections;
using System.Collections.Concurrent;
using System.Data.Common;
using System.Linq.Expressions;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace AccesoDescargas.Infrastructure;

/// <summary>
/// Append-only rows written as INSERT statements on the context's connection and transaction (PostgreSQL:
/// hundreds of rows per statement; SQLite: one statement compiled once and run for every row).
/// The table, the columns' names and quoting, the parameter names and each value's conversion come from
/// EF Core's model and provider, so the same code runs on SQLite and PostgreSQL; it costs a fraction of
/// the CPU of tracking entities and SaveChanges (no change tracker, no key propagation, no command
/// built per row). Only for rows nobody reads back in the same unit of work (audit events, an
/// import's batch). A row the database refuses fails its whole statement with a <see cref="DbUpdateException"/>
/// around the engine's error, as SaveChanges would.
/// </summary>
public static class InsercionPorLotes
{
    /// <summary>Parameters per statement: well under SQLite's 32,766 and PostgreSQL's 65,535.</summary>
    private const int ParametrosPorSentencia = 2_000;
    private const int FilasPorSentenciaSqlite = 1;

    /// <summary>Which entity property each column is and how a row gives its value.</summary>
    public sealed class Columnas<TEntidad, TFila> : IEnumerable<string>
    {
        internal List<(string Propiedad, Func<TFila, object?> Valor, Type Tipo)> Lista { get; } = [];

        /// <summary>The text of <see cref="InsertarEnUnaSentenciaAsync"/>'s statement, per engine (true: SQLite).</summary>
        internal ConcurrentDictionary<bool, string> Sentencias { get; } = new();

        public void Add<TValor>(Expression<Func<TEntidad, TValor>> propiedad, Func<TFila, TValor> valor) =>
            Lista.Add((((MemberExpression)propiedad.Body).Member.Name, f => valor(f), typeof(TValor)));

        public IEnumerator<string> GetEnumerator() => Lista.Select(c => c.Propiedad).GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>
    /// Whole entities: every mapped column except a key the database generates and computed columns. The
    /// entities stay untracked and their generated keys unset (see the overload with <c>unica</c>).
    /// </summary>
    public static Task InsertarEntidadesAsync<TEntidad>(DbContext db, IReadOnlyList<TEntidad> entidades, DbTransaction? transaccion, CancellationToken ct = default)
        where TEntidad : class =>
        InsertarEntidadesAsync(db, entidades, unica: null, transaccion, ct);

    /// <summary>
    /// Whole entities as above, each of which gets the key the database generated for it, matched by
    /// <paramref name="unica"/>, a text property unique among <paramref name="entidades"/>: neither engine
    /// promises the order of the rows an INSERT … RETURNING returns (both write it the same way).
    /// </summary>
    public static async Task InsertarEntidadesAsync<TEntidad>(DbContext db, IReadOnlyList<TEntidad> entidades,
        Expression<Func<TEntidad, string>>? unica, DbTransaction? transaccion, CancellationToken ct = default)
        where TEntidad : class
    {
        if (entidades.Count == 0) return;
        var entidad = Entidad<TEntidad>(db);
        var (propiedades, valores) = ColumnasPorEntidad.GetOrAdd(entidad, ColumnasDe);
        if (unica is null)
        {
            await EjecutarAsync(db, entidad, entidades, propiedades, valores, devolver: null, alDevolver: null, transaccion, ct);
            return;
        }
        var clave = entidad.FindPrimaryKey()?.Properties is [var k] && k.ValueGenerated == ValueGenerated.OnAdd
            ? k : throw new InvalidOperationException($"{typeof(TEntidad).Name} no tiene una clave generada por la base de datos.");
        var propiedadUnica = entidad.FindProperty(((MemberExpression)unica.Body).Member.Name)
            ?? throw new InvalidOperationException($"{typeof(TEntidad).Name}: la propiedad única no está mapeada.");
        var leerUnica = unica.Compile();
        var porUnica = entidades.ToDictionary(leerUnica, StringComparer.Ordinal);
        await EjecutarAsync(db, entidad, entidades, propiedades, valores, [clave, propiedadUnica], lector =>
        {
            var e = porUnica[lector.GetString(1)];
            clave.PropertyInfo!.SetValue(e, Convert.ChangeType(lector.GetValue(0), clave.ClrType, System.Globalization.CultureInfo.InvariantCulture));
        }, transaccion, ct);
    }

    /// <summary>
    /// Many rows in one statement with one parameter a column (PostgreSQL: <c>unnest</c> of typed arrays)
    /// or one for all (SQLite: a JSON array of rows read by <c>json_each</c>): no parameter objects per
    /// row, no statement text per batch. For small rows of integers, text and UTC times (audit events).
    /// </summary>
    public static async Task InsertarEnUnaSentenciaAsync<TEntidad, TFila>(DbContext db, IReadOnlyList<TFila> filas, Columnas<TEntidad, TFila> columnas,
        DbTransaction transaccion, CancellationToken ct = default)
    {
        if (filas.Count == 0) return;
        var sqlite = db.Database.IsSqlite();
        var texto = columnas.Sentencias.GetOrAdd(sqlite, _ => SentenciaUnica(db, columnas, sqlite));
        await using var cmd = transaccion.Connection!.CreateCommand();
        cmd.Transaction = transaccion;
        cmd.CommandText = texto;
        if (sqlite)
        {
            var p = cmd.CreateParameter();
            p.ParameterName = "$filas";
            p.Value = FilasJson(filas, columnas.Lista);
            cmd.Parameters.Add(p);
        }
        else
        {
            for (var c = 0; c < columnas.Lista.Count; c++)
            {
                var (_, valor, tipo) = columnas.Lista[c];
                var arreglo = Array.CreateInstance(tipo, filas.Count);
                for (var i = 0; i < filas.Count; i++) arreglo.SetValue(valor(filas[i]), i);
                var p = cmd.CreateParameter();
                p.ParameterName = "p" + c;
                p.Value = arreglo;
                cmd.Parameters.Add(p);
            }
        }
        try
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }
        catch (DbException e)
        {
            throw new DbUpdateException($"No se pudieron insertar {filas.Count} filas en {typeof(TEntidad).Name}.", e);
        }
    }

    private static string SentenciaUnica<TEntidad, TFila>(DbContext db, Columnas<TEntidad, TFila> columnas, bool sqlite)
    {
        var entidad = Entidad<TEntidad>(db);
        var tabla = StoreObjectIdentifier.Table(entidad.GetTableName()!, entidad.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var nombres = columnas.Lista.Select(c => sql.DelimitIdentifier((entidad.FindProperty(c.Propiedad)
            ?? throw new InvalidOperationException($"{typeof(TEntidad).Name}.{c.Propiedad} no es una propiedad mapeada.")).GetColumnName(tabla)!));
        var encabezado = $"INSERT INTO {sql.DelimitIdentifier(tabla.Name, tabla.Schema)} ({string.Join(", ", nombres)}) ";
        return sqlite
            ? encabezado + "SELECT " + string.Join(", ", columnas.Lista.Select((_, i) => $"json_extract(value, '$[{i}]')")) + " FROM json_each($filas)"
            : encabezado + "SELECT * FROM unnest(" + string.Join(", ", columnas.Lista.Select((_, i) => "@p" + i)) + ")";
    }

    /// <summary>[[v0, v1, …], …] with each value as SQLite stores it: numbers, text, and times as EF Core writes them.</summary>
    private static string FilasJson<TFila>(IReadOnlyList<TFila> filas, List<(string Propiedad, Func<TFila, object?> Valor, Type Tipo)> columnas)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(filas.Count * 200);
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var fila in filas)
            {
                json.WriteStartArray();
                foreach (var (propiedad, valor, _) in columnas)
                    switch (valor(fila))
                    {
                        case null: json.WriteNullValue(); break;
                        case int n: json.WriteNumberValue(n); break;
                        case long n: json.WriteNumberValue(n); break;
                        case string t: json.WriteStringValue(t); break;
                        // EF Core's SQLite format for DateTime, so that comparisons on the text still order by time.
                        case DateTime f: json.WriteStringValue(f.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", System.Globalization.CultureInfo.InvariantCulture)); break;
                        case var otro: throw new NotSupportedException($"{propiedad}: {otro.GetType().Name} no se inserta en una sentencia.");
                    }
                json.WriteEndArray();
            }
            json.WriteEndArray();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static readonly ConcurrentDictionary<IEntityType, (IProperty[], Func<object, object?>[])> ColumnasPorEntidad = new();

    private static (IProperty[], Func<object, object?>[]) ColumnasDe(IEntityType entidad)
    {
        var propiedades = new List<IProperty>();
        foreach (var p in entidad.GetProperties())
        {
            if (p.GetComputedColumnSql() is not null) continue;
            if (p.IsPrimaryKey() && p.ValueGenerated == ValueGenerated.OnAdd) continue;
            if (p.IsShadowProperty() || p.PropertyInfo is null || p.ValueGenerated != ValueGenerated.Never || p.GetDefaultValueSql() is not null)
                throw new NotSupportedException($"{entidad.DisplayName()}.{p.Name}: sólo se insertan por lotes propiedades con su valor en la entidad.");
            propiedades.Add(p);
        }
        return ([.. propiedades], [.. propiedades.Select(p => (Func<object, object?>)p.GetGetter().GetClrValueUsingContainingEntity)]);
    }

    private static IEntityType Entidad<TEntidad>(DbContext db) =>
        db.Model.FindEntityType(typeof(TEntidad)) ?? throw new InvalidOperationException($"{typeof(TEntidad).Name} no es parte del modelo.");

    private static async Task EjecutarAsync<TFila>(DbContext db, IEntityType entidad, IReadOnlyList<TFila> filas, IProperty[] propiedades,
        IReadOnlyList<Func<TFila, object?>> valores, IProperty[]? devolver, Action<DbDataReader>? alDevolver, DbTransaction? transaccion, CancellationToken ct)
    {
        var tabla = StoreObjectIdentifier.Table(entidad.GetTableName()!, entidad.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var tipos = propiedades.Select(p => p.GetRelationalTypeMapping()).ToArray();
        var encabezado = $"INSERT INTO {sql.DelimitIdentifier(tabla.Name, tabla.Schema)} ({string.Join(", ", propiedades.Select(p => sql.DelimitIdentifier(p.GetColumnName(tabla)!)))}) VALUES ";
        // RETURNING: SQLite (3.35+) and PostgreSQL write it alike.
        var final = devolver is null ? "" : " RETURNING " + string.Join(", ", devolver.Select(p => sql.DelimitIdentifier(p.GetColumnName(tabla)!)));

        // SQLite: one row per statement, compiled once per command and run again for every row. Its statements
        // of many rows bind slower than linearly in their parameters (a parameter is found by its name):
        // 2,000 comprobantes as statements of 2,000 parameters took 1.7 s against 1.0 s at 300 and 0.5-0.7 s one
        // row each (ImportacionCfdiBenchmark, busy machine). PostgreSQL: many rows per statement, one round trip each.
        var porSentencia = db.Database.IsSqlite() ? FilasPorSentenciaSqlite : Math.Max(1, ParametrosPorSentencia / propiedades.Length);
        string Texto(int filasEnSentencia)
        {
            var texto = new StringBuilder(encabezado);
            for (int i = 0, n = 0; i < filasEnSentencia; i++)
            {
                texto.Append(i == 0 ? "(" : ", (");
                for (var c = 0; c < propiedades.Length; c++, n++)
                    texto.Append(c > 0 ? ", " : "").Append(sql.GenerateParameterNamePlaceholder("p" + n));
                texto.Append(')');
            }
            return texto.Append(final).ToString();
        }
        var nombres = Enumerable.Range(0, porSentencia * propiedades.Length).Select(n => sql.GenerateParameterName("p" + n)).ToArray();

        await db.Database.OpenConnectionAsync(ct);
        DbCommand? cmd = null;
        try
        {
            var conexion = db.Database.GetDbConnection();
            var filasDelComando = 0;
            for (var inicio = 0; inicio < filas.Count; inicio += porSentencia)
            {
                var fin = Math.Min(filas.Count, inicio + porSentencia);
                if (fin - inicio != filasDelComando)
                {
                    if (cmd is not null) await cmd.DisposeAsync();
                    cmd = conexion.CreateCommand();
                    cmd.Transaction = transaccion;
                    cmd.CommandText = Texto(fin - inicio);
                    filasDelComando = fin - inicio;
                }
                cmd!.Parameters.Clear();
                for (int i = inicio, n = 0; i < fin; i++)
                    for (var c = 0; c < propiedades.Length; c++, n++)
                        cmd.Parameters.Add(tipos[c].CreateParameter(cmd, nombres[n], valores[c](filas[i]), propiedades[c].IsNullable));
                try
                {
                    if (alDevolver is null)
                    {
                        await cmd.ExecuteNonQueryAsync(ct);
                    }
                    else
                    {
                        await using var lector = await cmd.ExecuteReaderAsync(ct);
                        while (await lector.ReadAsync(ct)) alDevolver(lector);
                    }
                }
                catch (DbException e)
                {
                    throw new DbUpdateException($"No se pudieron insertar {fin - inicio} filas en {tabla.Name}.", e);
                }
            }
        }
        finally
        {
            if (cmd is not null) await cmd.DisposeAsync();
            await db.Database.CloseConnectionAsync();
        }
    }
}
