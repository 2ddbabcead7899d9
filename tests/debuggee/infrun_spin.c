/* infrun_spin.c — runs until interrupted (the Ctrl-C test). */
#include <unistd.h>

volatile unsigned long counter;

int main(void)
{
    for (;;) {
        counter++;
        if ((counter & 0xffffff) == 0)
            usleep(1000);
    }
}
