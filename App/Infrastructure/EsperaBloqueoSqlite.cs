using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AccesoDescargas.Infrastructure;

/// <summary>
/// SQLite admits one writer at a time. A statement that finds the database locked is retried by
/// Microsoft.Data.Sqlite every 150 ms (a <c>Thread.Sleep</c>), so a write that queues behind a commit
/// of a few milliseconds waited 150, 300, 450 ms: under a sign-in flood the portal's try UPDATE held
/// its hashing slot that long, idle. SQLite's own busy handler (<c>sqlite3_busy_timeout</c>) instead
/// retries after 1, 2, 5, 10… ms, so a waiting write follows the commit it waits for. Set on every
/// opening with one native call (no statement); the command timeout still bounds the whole wait.
/// </summary>
public sealed class EsperaBloqueoSqlite : DbConnectionInterceptor
{
    public static readonly EsperaBloqueoSqlite Instancia = new();
    private const int EsperaMaximaMs = 30_000;

    private EsperaBloqueoSqlite() { }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Ajustar(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Ajustar(connection);
        return Task.CompletedTask;
    }

    private static void Ajustar(DbConnection connection)
    {
        if (connection is SqliteConnection { Handle: { } handle }) SQLitePCL.raw.sqlite3_busy_timeout(handle, EsperaMaximaMs);
    }
}
