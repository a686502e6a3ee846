using System.Runtime.InteropServices;

namespace AccesoDescargas.Infrastructure;

/// <summary>
/// The CPU priority of the calling thread. <see cref="Thread.Priority"/> does nothing on Linux, where a
/// thread's nice value is set with <c>setpriority</c> on its thread id (unprivileged processes may lower it).
/// </summary>
public static class PrioridadHilo
{
    private const int PrioProcess = 0, NiceMinimo = 19;

    /// <summary>Nice 19 for this thread on Linux (the scheduler gives it what others leave); elsewhere nothing.</summary>
    public static void Minima()
    {
        if (!OperatingSystem.IsLinux()) return;
        try { _ = setpriority(PrioProcess, gettid(), NiceMinimo); }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { } // another libc: normal priority
    }

    // DllImport rather than LibraryImport: the generated stubs need unsafe code, and two int-only calls marshal nothing.
#pragma warning disable SYSLIB1054
    [DllImport("libc", SetLastError = true)]
    private static extern int setpriority(int which, int who, int prio);

    [DllImport("libc")]
    private static extern int gettid();
#pragma warning restore SYSLIB1054
}
