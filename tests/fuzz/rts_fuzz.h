/* rts_fuzz.h — what the runtime-aware fuzz targets (fuzz_abi_reader,
 * fuzz_heap_decode) give their standalone driver, rts_fuzz_driver.c.
 *
 * A target defines libFuzzer's entry points (LLVMFuzzerInitialize builds
 * the image, LLVMFuzzerTestOneInput corrupts it with the input's patches
 * and decodes it), its name and a self-test: the regression cases, each a
 * corruption the fuzzer found, made by hand on the image (an input's
 * offsets depend on which pages the decoders read, so a saved input does
 * not keep its meaning when they change).  An input is a list of 6-byte
 * patches (rts_image.h); the empty input is the clean image.
 */
#ifndef FUZZ_RTS_FUZZ_H
#define FUZZ_RTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* "heap_decode", "abi_reader" */
extern const char rts_fuzz_name[];
/* The clean image and the regression cases (0 or -1 after a message). */
int rts_fuzz_selftest(void);

#endif
