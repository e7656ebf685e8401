/* Loads the measured library given as argv[1], calls it, unloads it (its
 * memory is unmapped: checked in /proc/self/maps), twice; then exits. The
 * report, written at exit, still names the library's functions, and the
 * second load's calls land on the same rows. */
#include <hotpath/hotpath.h>
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

HOTPATH_MEASURE static int dl_main_work(int x) { return x + 1; }

static int mapped(const char *path) {
    FILE *f = fopen("/proc/self/maps", "r");
    char line[4096];
    int found = 0;
    while (f && fgets(line, sizeof line, f))
        found |= strstr(line, path) != NULL;
    if (f)
        fclose(f);
    return found;
}

static int load_and_call(const char *path, int calls) {
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        exit(2);
    }
    int (*work)(int) = (int (*)(int))dlsym(h, "dl_lib_work");
    int s = 0;
    for (int i = 0; i < calls; i++)
        s += work(100) + dl_main_work(i);
    dlclose(h);
    if (mapped(path)) {
        fprintf(stderr, "%s still mapped after dlclose\n", path);
        exit(3);
    }
    return s;
}

int main(int argc, char **argv) {
    if (argc < 2)
        return 2;
    int s = load_and_call(argv[1], 5) + load_and_call(argv[1], 7);
    printf("%d\n", s);
    exit(0);
}
