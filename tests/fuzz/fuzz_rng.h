/* fuzz_rng.h — the fixed-seed generator of the binary fuzzers' standalone
 * drivers (fuzz_dwarf_loc, fuzz_dwarf_entry, fuzz_elfcore, rts_fuzz_driver): xorshift64,
 * so a run of "make check" mutates the same images every time. */
#ifndef FUZZ_RNG_H
#define FUZZ_RNG_H

#include <stdint.h>

static inline uint64_t fuzz_rng(uint64_t *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

#endif
