using AccesoDescargas.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using AccesoDescargas.Contrasenas;

namespace AccesoDescargas.Features.Emisores;

/// <summary>
/// Staff sign-in with a lockout that holds under parallel requests and no account enumeration by timing.
/// Identity reads the lockout, verifies and then counts the failure, so parallel guesses are all
/// verified and a right one among them signs in past the lock. Here an attempt first takes one of
/// the user's tries with a conditional UPDATE (the last one sets the lock), and a right password signs
/// in only if a second conditional UPDATE finds the user unlocked, or locked by this very attempt.
/// </summary>
public sealed class IngresoPersonal(UserManager<Usuario> users, IHttpContextAccessor contextAccessor,
        IUserClaimsPrincipalFactory<Usuario> claimsFactory, IOptions<IdentityOptions> options, ILogger<SignInManager<Usuario>> logger,
        IAuthenticationSchemeProvider schemes, IUserConfirmation<Usuario> confirmation, AppDbContext db)
    : SignInManager<Usuario>(users, contextAccessor, claimsFactory, options, logger, schemes, confirmation)
{
    private static readonly Lock CerrojoSenuelo = new();
    private static string? hashSenuelo;

    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        if (ContrasenaPolitica.EsDemasiadoLarga(password)) return SignInResult.Failed;
        var user = await UserManager.FindByNameAsync(userName);
        if (user is not null) return await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);

        // The same PBKDF2 work as a wrong password of a real user: the time taken does not tell which emails have an account.
        UserManager.PasswordHasher.VerifyHashedPassword(new Usuario(), Senuelo(), password ?? "");
        return SignInResult.Failed;
    }

    public override async Task<SignInResult> CheckPasswordSignInAsync(Usuario user, string password, bool lockoutOnFailure)
    {
        if (ContrasenaPolitica.EsDemasiadoLarga(password)) return SignInResult.Failed;
        if (!lockoutOnFailure || !UserManager.SupportsUserLockout || !user.LockoutEnabled)
            return await base.CheckPasswordSignInAsync(user, password, lockoutOnFailure);

        if (await PreSignInCheck(user) is { } rechazo) return rechazo;
        var leido = user.LockoutEnd;
        var maximo = Options.Lockout.MaxFailedAccessAttempts;
        var hasta = Microsegundos(DateTimeOffset.UtcNow + Options.Lockout.DefaultLockoutTimeSpan);

        // Take a try only if nobody locked the user since it was read; the last try sets the lock.
        var tomado = await db.Users.Where(u => u.Id == user.Id && u.LockoutEnd == leido && u.AccessFailedCount < maximo)
            .ExecuteUpdateAsync(s => s
                .SetProperty(u => u.LockoutEnd, u => u.AccessFailedCount + 1 >= maximo ? hasta : u.LockoutEnd)
                .SetProperty(u => u.AccessFailedCount, u => u.AccessFailedCount + 1 >= maximo ? 0 : u.AccessFailedCount + 1)
                .SetProperty(u => u.ConcurrencyStamp, Guid.NewGuid().ToString()));
        await db.Entry(user).ReloadAsync();
        if (tomado == 0) return await LockedOut(user);
        var bloqueoPropio = user.LockoutEnd == hasta ? hasta : (DateTimeOffset?)null;

        if (!await UserManager.CheckPasswordAsync(user, password))
        {
            Logger.LogDebug("Contraseña incorrecta para el usuario {UserId}", user.Id);
            return bloqueoPropio is null ? SignInResult.Failed : await LockedOut(user);
        }

        // The last check before the session is issued: a lock set by another attempt since this one took its try wins.
        var abierto = await db.Users.Where(u => u.Id == user.Id && (u.LockoutEnd == leido || u.LockoutEnd == bloqueoPropio))
            .ExecuteUpdateAsync(s => s
                .SetProperty(u => u.AccessFailedCount, 0)
                .SetProperty(u => u.LockoutEnd, (DateTimeOffset?)null)
                .SetProperty(u => u.ConcurrencyStamp, Guid.NewGuid().ToString()));
        await db.Entry(user).ReloadAsync();
        return abierto == 0 ? await LockedOut(user) : SignInResult.Success;
    }

    private string Senuelo()
    {
        lock (CerrojoSenuelo)
            return hashSenuelo ??= UserManager.PasswordHasher.HashPassword(new Usuario(), Guid.NewGuid().ToString());
    }

    /// <summary>Whole microseconds, so the value compares equal after a round trip through any database.</summary>
    private static DateTimeOffset Microsegundos(DateTimeOffset t) => new(t.UtcTicks - t.UtcTicks % 10, TimeSpan.Zero);
}
