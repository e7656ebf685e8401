/*
 * fuzz_classify.c — libFuzzer target for hotpath-cc's command-line
 * rewriting: the input is split at NUL bytes into arguments, rewritten,
 * and the result checked (every argument kept, in order, no NULL inside).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *buf = malloc(size + 1);
    if (!buf)
        return 0;
    memcpy(buf, data, size);
    buf[size] = '\0';
    char *argv[256];
    int argc = 0;
    for (size_t i = 0; i <= size && argc < 255;) {
        argv[argc++] = buf + i;
        i += strlen(buf + i) + 1;
    }
    argv[argc] = NULL;
    static const struct hp_cc_setup setup = {"/p/hotpath.so", ".*", "x", "/p/include",
                                             "/p/libhotpath.so", "/p", "64"};
    char *cmd[] = {"cc"};
    enum hp_cc_kind kind;
    char **v = hp_cc_rewrite(cmd, 1, argc, argv, &setup, &kind);
    if (v) {
        int n = 0, j = 0;
        while (v[n])
            n++;
        for (int i = 1; i < n && j < argc; i++)
            if (v[i] == argv[j])
                j++;
        if (j != argc)
            abort(); /* an argument of the user's was lost or reordered */
        hp_cc_free(v);
    }
    free(buf);
    return 0;
}
