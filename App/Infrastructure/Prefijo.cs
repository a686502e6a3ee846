namespace AccesoDescargas.Infrastructure;

/// <summary>
/// A prefix search as an index range: the strings that start with a prefix are those in
/// [prefix, prefix + U+10FFFF), because U+10FFFF encodes above every other character. This holds
/// where the column compares as UTF-8 bytes: SQLite's BINARY (and NOCASE, which first folds ASCII
/// letters), and PostgreSQL's "C" collation, which <see cref="PostgreSql.PostgresAppDbContext"/> gives
/// the RFC and UUID columns and the clientes' lower-cased nombre.
/// </summary>
public static class Prefijo
{
    public static (string Desde, string Hasta) Rango(string prefijo) => (prefijo, prefijo + "\U0010FFFF");
}
