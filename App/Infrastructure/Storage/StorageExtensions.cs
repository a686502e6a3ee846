using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Microsoft.Extensions.Options;

namespace AccesoDescargas.Infrastructure.Storage;

public static class StorageExtensions
{
    public static WebApplicationBuilder AddStorage(this WebApplicationBuilder builder)
    {
        var seccion = builder.Configuration.GetSection("Storage");
        builder.Services.Configure<StorageOptions>(seccion);
        var opciones = seccion.Get<StorageOptions>() ?? new StorageOptions();
        if (opciones.Provider == ProveedorAlmacen.S3)
        {
            if (string.IsNullOrWhiteSpace(opciones.S3.Bucket))
                throw new InvalidOperationException("Storage:Provider es S3 pero falta Storage:S3:Bucket.");
            builder.Services.AddSingleton<IAmazonS3>(_ => CrearCliente(opciones.S3));
            builder.Services.AddSingleton<IFileStore>(sp => new S3FileStore(
                sp.GetRequiredService<IAmazonS3>(), sp.GetRequiredService<IOptions<StorageOptions>>().Value.S3,
                sp.GetRequiredService<DataDirectory>(), sp.GetRequiredService<ILogger<S3FileStore>>()));
        }
        else
        {
            builder.Services.AddSingleton<IFileStore, LocalFileStore>();
        }
        builder.Services.Configure<LimpiezaOptions>(builder.Configuration.GetSection("Limpieza"));
        builder.Services.AddSingleton<LimpiezaAlArrancar>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LimpiezaAlArrancar>());
        return builder;
    }

    public static AmazonS3Client CrearCliente(S3Options o, HttpClientFactory? http = null)
    {
        var config = new AmazonS3Config
        {
            HttpClientFactory = http,
            ForcePathStyle = o.ForcePathStyle,
            // S3-compatible servers (MinIO, Ceph, R2, s3rver) do not all accept the SDK's default
            // flexible-checksum trailers; our keys already carry the SHA-256 we verify on the way in.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (string.IsNullOrWhiteSpace(o.ServiceUrl))
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(o.Region);
        else
        {
            config.ServiceURL = o.ServiceUrl;
            config.AuthenticationRegion = o.Region;
        }
        return string.IsNullOrEmpty(o.AccessKey)
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(o.AccessKey, o.SecretKey), config);
    }
}
