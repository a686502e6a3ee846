namespace AccesoDescargas.Infrastructure;

/// <summary>
/// A forward-only, read-only view of another stream that sees every chunk as it is read, so a size
/// limit can be enforced while a parser or a ZIP entry pulls the bytes, before they are all read.
/// </summary>
public abstract class FlujoDeLectura(Stream interno, bool cerrarInterno) : Stream
{
    public long Leidos { get; private set; }

    /// <summary>Runs after each read, with <see cref="Leidos"/> already counted; throws to refuse the stream.</summary>
    protected abstract void AlLeer(int bytes);

    /// <summary>How many of the requested bytes to ask the inner stream for.</summary>
    protected virtual int Acotar(int pedido) => pedido;

    protected virtual CancellationToken Token(CancellationToken solicitado) => solicitado;

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer) => Contar(interno.Read(buffer[..Acotar(buffer.Length)]));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Contar(await interno.ReadAsync(buffer[..Acotar(buffer.Length)], Token(cancellationToken)).ConfigureAwait(false));

    private int Contar(int bytes)
    {
        Leidos += bytes;
        AlLeer(bytes);
        return bytes;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && cerrarInterno) interno.Dispose();
        base.Dispose(disposing);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => Leidos; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Refuses a stream that goes past <paramref name="limite"/> bytes, reading at most one byte beyond it.</summary>
public sealed class FlujoLimitado(Stream interno, long limite, Func<Exception> excedido, CancellationToken ct = default)
    : FlujoDeLectura(interno, cerrarInterno: false)
{
    protected override int Acotar(int pedido) => (int)Math.Min(pedido, limite - Leidos + 1);

    // XmlReader passes no token of its own, so the caller's one is used.
    protected override CancellationToken Token(CancellationToken solicitado) => solicitado.CanBeCanceled ? solicitado : ct;

    protected override void AlLeer(int bytes)
    {
        if (Leidos > limite) throw excedido();
    }
}
