/* fuzz_driver.h — what a fuzz target gives the standalone driver.
 *
 * A fuzz target defines LLVMFuzzerTestOneInput (libFuzzer's entry point)
 * and a NULL-terminated list of seed inputs.  fuzz_driver.c (gcc builds for
 * "make check") mutates the seeds with a fixed-seed generator for a few
 * seconds; "make fuzz" links the same target with clang's libFuzzer instead.
 */
#ifndef FUZZ_DRIVER_H
#define FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
extern const char *const fuzz_seeds[];
/* Words the mutator splices in (operators, keywords). */
extern const char *const fuzz_tokens[];

#endif
