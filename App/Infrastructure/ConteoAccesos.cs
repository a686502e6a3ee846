using Microsoft.EntityFrameworkCore;

namespace AccesoDescargas.Infrastructure;

/// <summary>
/// Each emisor's number of accesses, kept by the database itself: triggers on "Accesos" update the
/// table "ConteoAccesos" in the same transaction as every insert, delete or change of emisor, whatever
/// writes it (the grid, the API, the import of clientes, an automatic access, <c>migrar-datos</c>, SQL
/// by hand). The grid's unfiltered total is then one short read instead of a COUNT over every access
/// (23 ms at 100,000 on PostgreSQL, AccesosBenchmark). The table is not part of the EF model: nothing
/// writes it but the triggers, and a data move builds it in the destination from the rows it copies.
/// <para>
/// This file holds every piece of SQL the counter needs, per engine. The migrations run the versioned
/// scripts below: never change a script a migration has run; a new version is a new script and a new
/// migration (SQLite: Issue13ConteoAccesos; PostgreSQL: <see cref="PostgreSql.ConteoAccesosMigracion"/>).
/// </para>
/// </summary>
public static class ConteoAccesos
{
    /// <summary>
    /// The emisor's accesses: the sum of its rows (one on SQLite; on PostgreSQL one, plus one per
    /// transaction writing accesses at that moment, see <see cref="PostgreSqlV1"/>).
    /// </summary>
    public static async Task<int> TotalAsync(AppDbContext db, int emisorId, CancellationToken ct = default) =>
        (int)await db.Database
            .SqlQuery<long>($"""SELECT CAST(COALESCE(SUM("Total"), 0) AS bigint) AS "Value" FROM "ConteoAccesos" WHERE "EmisorId" = {emisorId}""")
            .SingleAsync(ct);

    /// <summary>
    /// SQLite: one row per emisor, updated by row triggers. SQLite runs one writer at a time, so the row
    /// is never contended. The last statement counts the accesses already there (an upgrade); the
    /// migration's transaction holds the write lock, so no access is missed or counted twice.
    /// (<c>INSERT OR REPLACE</c> into "Accesos" would bypass the delete trigger without
    /// recursive_triggers; nothing in the app writes accesses that way.)
    /// </summary>
    public const string SqliteV1 = """
        CREATE TABLE "ConteoAccesos" ("EmisorId" INTEGER NOT NULL PRIMARY KEY, "Total" INTEGER NOT NULL) WITHOUT ROWID;

        CREATE TRIGGER "ConteoAccesos_Alta" AFTER INSERT ON "Accesos" BEGIN
            INSERT INTO "ConteoAccesos" ("EmisorId", "Total") VALUES (NEW."EmisorId", 1)
                ON CONFLICT ("EmisorId") DO UPDATE SET "Total" = "Total" + 1;
        END;

        CREATE TRIGGER "ConteoAccesos_Baja" AFTER DELETE ON "Accesos" BEGIN
            UPDATE "ConteoAccesos" SET "Total" = "Total" - 1 WHERE "EmisorId" = OLD."EmisorId";
        END;

        CREATE TRIGGER "ConteoAccesos_Emisor" AFTER UPDATE OF "EmisorId" ON "Accesos" WHEN OLD."EmisorId" IS NOT NEW."EmisorId" BEGIN
            UPDATE "ConteoAccesos" SET "Total" = "Total" - 1 WHERE "EmisorId" = OLD."EmisorId";
            INSERT INTO "ConteoAccesos" ("EmisorId", "Total") VALUES (NEW."EmisorId", 1)
                ON CONFLICT ("EmisorId") DO UPDATE SET "Total" = "Total" + 1;
        END;

        INSERT INTO "ConteoAccesos" ("EmisorId", "Total") SELECT "EmisorId", count(*) FROM "Accesos" GROUP BY "EmisorId";
        """;

    public const string SqliteV1Quitar = """
        DROP TRIGGER "ConteoAccesos_Emisor";
        DROP TRIGGER "ConteoAccesos_Baja";
        DROP TRIGGER "ConteoAccesos_Alta";
        DROP TABLE "ConteoAccesos";
        """;

    /// <summary>
    /// PostgreSQL: transactions write concurrently, and one counter row per emisor would make every
    /// transaction that adds an access wait for the previous one to commit (and deadlock with one that
    /// inserts the same RFCs in another order). So each statement adds a row with its change per emisor
    /// (a statement-level trigger with the statement's rows as a transition table), and folds into it
    /// the emisor's rows no other transaction holds (<c>FOR UPDATE SKIP LOCKED</c>): writers never wait
    /// for each other, a reader sums a handful of rows, and what a reader sees is always the committed
    /// accesses' count (rows and their fold commit or roll back with the accesses). The backfill runs
    /// after CREATE TRIGGER, whose lock on "Accesos" holds writers until the migration commits.
    /// </summary>
    public const string PostgreSqlV1 = """
        CREATE TABLE "ConteoAccesos" ("EmisorId" integer NOT NULL, "Total" bigint NOT NULL);
        CREATE INDEX "IX_ConteoAccesos_EmisorId" ON "ConteoAccesos" ("EmisorId");

        CREATE FUNCTION "ConteoAccesos_Cambio"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            WITH cambio AS (
                SELECT "EmisorId", CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END * count(*) AS "Total" FROM cambiadas GROUP BY "EmisorId"
            ), plegadas AS (
                DELETE FROM "ConteoAccesos" WHERE ctid = ANY (ARRAY(
                    SELECT ctid FROM "ConteoAccesos" WHERE "EmisorId" IN (SELECT "EmisorId" FROM cambio) FOR UPDATE SKIP LOCKED))
                RETURNING "EmisorId", "Total"
            )
            INSERT INTO "ConteoAccesos" ("EmisorId", "Total")
            SELECT "EmisorId", sum("Total") FROM (SELECT * FROM cambio UNION ALL SELECT * FROM plegadas) AS t
            GROUP BY "EmisorId" HAVING sum("Total") <> 0;
            RETURN NULL;
        END $$;

        CREATE FUNCTION "ConteoAccesos_CambioEmisor"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            INSERT INTO "ConteoAccesos" ("EmisorId", "Total") VALUES (OLD."EmisorId", -1), (NEW."EmisorId", 1);
            RETURN NULL;
        END $$;

        CREATE FUNCTION "ConteoAccesos_Vaciar"() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM "ConteoAccesos";
            RETURN NULL;
        END $$;

        CREATE TRIGGER "ConteoAccesos_Alta" AFTER INSERT ON "Accesos" REFERENCING NEW TABLE AS cambiadas
            FOR EACH STATEMENT EXECUTE FUNCTION "ConteoAccesos_Cambio"();
        CREATE TRIGGER "ConteoAccesos_Baja" AFTER DELETE ON "Accesos" REFERENCING OLD TABLE AS cambiadas
            FOR EACH STATEMENT EXECUTE FUNCTION "ConteoAccesos_Cambio"();
        CREATE TRIGGER "ConteoAccesos_Emisor" AFTER UPDATE OF "EmisorId" ON "Accesos"
            FOR EACH ROW WHEN (OLD."EmisorId" IS DISTINCT FROM NEW."EmisorId") EXECUTE FUNCTION "ConteoAccesos_CambioEmisor"();
        CREATE TRIGGER "ConteoAccesos_Truncado" AFTER TRUNCATE ON "Accesos"
            FOR EACH STATEMENT EXECUTE FUNCTION "ConteoAccesos_Vaciar"();

        INSERT INTO "ConteoAccesos" ("EmisorId", "Total") SELECT "EmisorId", count(*) FROM "Accesos" GROUP BY "EmisorId";
        """;

    public const string PostgreSqlV1Quitar = """
        DROP TRIGGER "ConteoAccesos_Truncado" ON "Accesos";
        DROP TRIGGER "ConteoAccesos_Emisor" ON "Accesos";
        DROP TRIGGER "ConteoAccesos_Baja" ON "Accesos";
        DROP TRIGGER "ConteoAccesos_Alta" ON "Accesos";
        DROP FUNCTION "ConteoAccesos_Vaciar"();
        DROP FUNCTION "ConteoAccesos_CambioEmisor"();
        DROP FUNCTION "ConteoAccesos_Cambio"();
        DROP TABLE "ConteoAccesos";
        """;
}
