/* ClosureTypes.c — closure_type_names[]: the name of every closure type,
 * generated from the X-macro list in ClosureTypes.h so they cannot drift.
 *
 * Must not depend on: anything but ClosureTypes.h.
 */
#include "rts/storage/ClosureTypes.h"

const char *const closure_type_names[N_CLOSURE_TYPES] = {
#define RTS_CT_NAME(name) [name] = #name,
    RTS_CLOSURE_TYPES(RTS_CT_NAME)
#undef RTS_CT_NAME
};
