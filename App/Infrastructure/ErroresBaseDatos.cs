using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AccesoDescargas.Infrastructure;

/// <summary>How each database engine reports what features react to.</summary>
public static class ErroresBaseDatos
{
    /// <summary>
    /// The save broke a unique index (a concurrent request committed the same key first).
    /// SQLite: SQLITE_CONSTRAINT_UNIQUE (2067) or _PRIMARYKEY (1555); PostgreSQL: unique_violation (23505).
    /// </summary>
    public static bool EsViolacionDeUnicidad(DbUpdateException e) => e.InnerException switch
    {
        SqliteException s => s is { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 },
        PostgresException p => p.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
