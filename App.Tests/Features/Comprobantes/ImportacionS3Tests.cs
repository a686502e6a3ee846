namespace AccesoDescargas.Tests.Features.Comprobantes;

/// <summary>The import (files, pairs, duplicates, limits) with the files going to S3.</summary>
[EnS3]
[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // the database work is its Local class's, already run on PostgreSQL
public sealed class ImportacionServiceS3Tests : ImportacionServiceTests;

/// <summary>ZIP imports, whose entries cannot be read twice, go through the S3 store's temporary copy.</summary>
[EnS3]
[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // the database work is its Local class's, already run on PostgreSQL
public sealed class ImportacionZipS3Tests : ImportacionZipTests;

/// <summary>The integrators' API and the staff's downloads with the files in S3.</summary>
[EnS3]
[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // the database work is its Local class's, already run on PostgreSQL
public sealed class ComprobantesApiS3Tests : ComprobantesApiTests;

/// <summary>Group commit with the files in S3: every PUT is durable on its own, so the batch has nothing left to sync.</summary>
[EnS3]
[Trait(AppFactory.BaseDatos, AppFactory.SoloSqlite)] // the database work is its Local class's, already run on PostgreSQL
public sealed class ImportacionPorLotesS3Tests : ImportacionPorLotesTests;
