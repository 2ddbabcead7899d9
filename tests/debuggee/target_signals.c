/* target_signals.c — debuggee that raises signals it handles itself.
 *
 * Raises SIGUSR1 then SIGUSR2; each handler counts.  Exits with the number
 * of signals its handlers saw, so a test can check that a debugger passed
 * them on (exit status 2) rather than swallowing them.
 */
#include <signal.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_signal(int sig)
{
    (void)sig;
    handled++;
}

int main(void)
{
    signal(SIGUSR1, on_signal);
    signal(SIGUSR2, on_signal);
    alarm(30);
    raise(SIGUSR1);
    raise(SIGUSR2);
    return handled;
}
