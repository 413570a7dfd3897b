// libFuzzer (linked by -sanitize=fuzzer) installs no header: its entry point for a program with its own main.
#include <stddef.h>
#include <stdint.h>
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*UserCb)(const uint8_t *Data, size_t Size));
