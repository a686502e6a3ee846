using System.Collections;
using System.Data.Common;
using System.Linq.Expressions;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace AccesoDescargas.Infrastructure;

/// <summary>
/// Append-only rows written as multi-row INSERT statements on the context's connection and transaction.
/// The table, the columns' names and quoting, the parameter names and each value's conversion come from
/// EF Core's model and provider, so the same code runs on SQLite and PostgreSQL; it costs a fraction of
/// the CPU of tracking entities and SaveChanges (no change tracker, no key propagation, one statement
/// for hundreds of rows). Only for rows nobody reads back in the same unit of work (audit events).
/// </summary>
public static class InsercionPorLotes
{
    /// <summary>Parameters per statement: well under SQLite's 32,766 and PostgreSQL's 65,535.</summary>
    private const int ParametrosPorSentencia = 2_000;

    /// <summary>Which entity property each column is and how a row gives its value.</summary>
    public sealed class Columnas<TEntidad, TFila> : IEnumerable<string>
    {
        internal List<(string Propiedad, Func<TFila, object?> Valor)> Lista { get; } = [];

        public void Add<TValor>(Expression<Func<TEntidad, TValor>> propiedad, Func<TFila, TValor> valor) =>
            Lista.Add((((MemberExpression)propiedad.Body).Member.Name, f => valor(f)));

        public IEnumerator<string> GetEnumerator() => Lista.Select(c => c.Propiedad).GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }

    public static async Task InsertarAsync<TEntidad, TFila>(DbContext db, IReadOnlyList<TFila> filas, Columnas<TEntidad, TFila> columnas,
        DbTransaction? transaccion, CancellationToken ct = default)
    {
        if (filas.Count == 0) return;
        var entidad = db.Model.FindEntityType(typeof(TEntidad)) ?? throw new InvalidOperationException($"{typeof(TEntidad).Name} no es parte del modelo.");
        var tabla = StoreObjectIdentifier.Table(entidad.GetTableName()!, entidad.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var propiedades = columnas.Lista.Select(c => entidad.FindProperty(c.Propiedad)
            ?? throw new InvalidOperationException($"{typeof(TEntidad).Name}.{c.Propiedad} no es una propiedad mapeada.")).ToArray();
        var tipos = propiedades.Select(p => p.GetRelationalTypeMapping()).ToArray();
        var encabezado = $"INSERT INTO {sql.DelimitIdentifier(tabla.Name, tabla.Schema)} ({string.Join(", ", propiedades.Select(p => sql.DelimitIdentifier(p.GetColumnName(tabla)!)))}) VALUES ";

        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var conexion = db.Database.GetDbConnection();
            var porSentencia = Math.Max(1, ParametrosPorSentencia / propiedades.Length);
            for (var inicio = 0; inicio < filas.Count; inicio += porSentencia)
            {
                var fin = Math.Min(filas.Count, inicio + porSentencia);
                await using var cmd = conexion.CreateCommand();
                cmd.Transaction = transaccion;
                var texto = new StringBuilder(encabezado);
                var n = 0;
                for (var i = inicio; i < fin; i++)
                {
                    texto.Append(i == inicio ? "(" : ", (");
                    for (var c = 0; c < propiedades.Length; c++, n++)
                    {
                        var nombre = "p" + n;
                        if (c > 0) texto.Append(", ");
                        texto.Append(sql.GenerateParameterNamePlaceholder(nombre));
                        cmd.Parameters.Add(tipos[c].CreateParameter(cmd, sql.GenerateParameterName(nombre), columnas.Lista[c].Valor(filas[i]), propiedades[c].IsNullable));
                    }
                    texto.Append(')');
                }
                cmd.CommandText = texto.ToString();
                await cmd.ExecuteNonQueryAsync(ct);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
