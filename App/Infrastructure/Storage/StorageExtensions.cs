namespace AccesoDescargas.Infrastructure.Storage;

public static class StorageExtensions
{
    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<IFileStore, LocalFileStore>();
        return builder;
    }
}
