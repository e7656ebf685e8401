/*
 * hotpath-cc, hotpath-c++ — run a C or C++ compiler with hotpath's plugin
 * and runtime added where they belong, so that a project is measured by
 * changing only its compiler:
 *
 *   make CC=hotpath-cc
 *   ./configure CC=hotpath-cc CXX=hotpath-c++
 *   cmake -DCMAKE_C_COMPILER=hotpath-cc ...
 *   cmake -DCMAKE_C_COMPILER_LAUNCHER=hotpath-cc -DCMAKE_C_LINKER_LAUNCHER=hotpath-cc ...
 *
 * The real compiler is the first argument when that is a program (the
 * launcher form), else $HOTPATH_CC ($HOTPATH_CXX for hotpath-c++), else
 * cc (c++). Whether it is GCC or Clang, and which major version, is asked
 * of the compiler itself on every run (its predefined macros), so that
 * nothing stale is ever used. The plugin, the include folder and the runtime
 * are found from this program's own location: <bindir>/../lib/hotpath/ when
 * installed, the build tree's plugin-gcc/, plugin-clang/ and runtime/ when
 * run from build/bin/.
 *
 * The wrapper's own options, consumed here: --hotpath-include=REGEX and
 * --hotpath-exclude=REGEX (else $HOTPATH_INCLUDE and $HOTPATH_EXCLUDE),
 * handed to the plugin as include=/exclude=, --hotpath-sample=N (1 to
 * 65535), handed on as sample=N, and --hotpath-verbose, which prints the
 * command line run.
 *
 * The command line is classified and rewritten by classify.c; this file
 * finds things and execs the compiler, so that its exit status and signals
 * are the build's.
 */
#define _GNU_SOURCE
#include "classify.h"

#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

#if HOTPATH_CC_CXX
#define SELF "hotpath-c++"
#define ENV_COMPILER "HOTPATH_CXX"
#define DEFAULT_COMPILER "c++"
#else
#define SELF "hotpath-cc"
#define ENV_COMPILER "HOTPATH_CC"
#define DEFAULT_COMPILER "cc"
#endif

static char self_path[PATH_MAX];

/* ------------------------------------------------------------ the files */

static int is_file(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int is_dir(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* dir/rel, made canonical when it exists. */
static char *join(const char *dir, const char *rel) {
    char buf[PATH_MAX * 2], real[PATH_MAX];
    snprintf(buf, sizeof buf, "%s/%s", dir, rel);
    return strdup(realpath(buf, real) ? real : buf);
}

/* dir/name as it is: a symlink such as libhotpath.so stays one. */
static char *file_in(const char *dir, const char *name) {
    char buf[PATH_MAX * 2];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return strdup(buf);
}

struct layout {
    char *plugin_dir_gcc, *plugin_dir_clang, *include_dir, *lib_dir;
    int installed;
};

static void find_layout(struct layout *l) {
    char bindir[PATH_MAX];
    snprintf(bindir, sizeof bindir, "%s", self_path);
    char *slash = strrchr(bindir, '/');
    if (slash)
        *slash = '\0';
    char *libdir = join(bindir, HP_REL_LIBDIR);
    char *plugindir = join(libdir, "hotpath");
    l->installed = is_dir(plugindir);
    if (l->installed) {
        l->plugin_dir_gcc = l->plugin_dir_clang = plugindir;
        l->include_dir = join(bindir, HP_REL_INCLUDEDIR);
        l->lib_dir = libdir;
    } else { /* build/bin/hotpath-cc */
        l->plugin_dir_gcc = join(bindir, "../plugin-gcc");
        l->plugin_dir_clang = join(bindir, "../plugin-clang");
        l->include_dir = strdup(HP_BUILD_INCLUDEDIR);
        l->lib_dir = join(bindir, "../runtime");
    }
}

/* The system's own library folders need no RPATH. */
static int is_system_libdir(const char *dir) {
    static const char *const sys[] = {"/usr/lib", "/usr/lib64", "/lib", "/lib64",
                                      "/usr/lib/" HP_LIBRARY_ARCH, "/lib/" HP_LIBRARY_ARCH};
    for (size_t i = 0; i < sizeof sys / sizeof *sys; i++)
        if (strcmp(dir, sys[i]) == 0)
            return 1;
    return 0;
}

/* ------------------------------------------------------------ the compiler */

/* An executable `name` (a path, or searched in $PATH), never this program
 * itself (a masquerading `cc` symlink to hotpath-cc). NULL if none. */
static char *find_program(const char *name) {
    char real[PATH_MAX];
    if (strchr(name, '/')) {
        if (!is_file(name) || access(name, X_OK) != 0)
            return NULL;
        if (realpath(name, real) && strcmp(real, self_path) == 0)
            return NULL;
        return strdup(name);
    }
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    while (*path) {
        const char *end = strchr(path, ':');
        size_t len = end ? (size_t)(end - path) : strlen(path);
        char cand[PATH_MAX];
        snprintf(cand, sizeof cand, "%.*s/%s", (int)len, len ? path : ".", name);
        if (is_file(cand) && access(cand, X_OK) == 0 &&
            !(realpath(cand, real) && strcmp(real, self_path) == 0))
            return strdup(cand);
        path += len + (end != NULL);
    }
    return NULL;
}

enum family { UNKNOWN, GCC, CLANG };

/* Asks the compiler for its predefined macros: __clang_major__ or
 * __GNUC__. The compiler's stderr is dropped; its failure is UNKNOWN. */
static enum family detect(char **cmd, int ncmd, int *major) {
    int fd[2];
    if (pipe(fd) != 0)
        return UNKNOWN;
    char *argv[ncmd + 6];
    for (int i = 0; i < ncmd; i++)
        argv[i] = cmd[i];
    argv[ncmd] = "-E";
    argv[ncmd + 1] = "-dM";
    argv[ncmd + 2] = "-xc";
    argv[ncmd + 3] = "/dev/null";
    argv[ncmd + 4] = NULL;
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fd[1], 1);
    posix_spawn_file_actions_addclose(&fa, fd[0]);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", 1 /* O_WRONLY */, 0);
    pid_t pid;
    int rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(fd[1]);
    if (rc != 0) {
        close(fd[0]);
        return UNKNOWN;
    }
    FILE *f = fdopen(fd[0], "r");
    char line[512];
    int gnuc = -1, clang = -1;
    while (f && fgets(line, sizeof line, f)) {
        sscanf(line, "#define __clang_major__ %d", &clang);
        sscanf(line, "#define __GNUC__ %d", &gnuc);
    }
    if (f)
        fclose(f);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return UNKNOWN;
    if (clang >= 0) {
        *major = clang;
        return CLANG;
    }
    if (gnuc >= 0) {
        *major = gnuc;
        return GCC;
    }
    return UNKNOWN;
}

static const char *supported(void) {
    static char buf[256];
    int n = 0;
    if (HP_GCC_MAJOR)
        n += snprintf(buf + n, sizeof buf - (size_t)n, "GCC %d", HP_GCC_MAJOR);
    const char *p = HP_CLANG_PLUGINS;
    while (*p) {
        int major = atoi(p);
        n += snprintf(buf + n, sizeof buf - (size_t)n, "%sClang %d", n ? ", " : "", major);
        p = strchr(p, ',');
        if (!p)
            break;
        p++;
    }
    return n ? buf : "none: this build has no plugin";
}

/* The plugin file for Clang `major`, from the table "14:hotpath-clang.so,...". */
static const char *clang_plugin_name(int major) {
    static char name[128];
    const char *p = HP_CLANG_PLUGINS;
    while (*p) {
        int m = atoi(p);
        const char *colon = strchr(p, ':'), *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - colon - 1) : strlen(colon + 1);
        if (m == major) {
            snprintf(name, sizeof name, "%.*s", (int)len, colon + 1);
            return name;
        }
        if (!comma)
            break;
        p = comma + 1;
    }
    return NULL;
}

static char *plugin_for(const struct layout *l, enum family fam, int major, const char *cc) {
    const char *name = NULL, *dir = NULL;
    if (fam == GCC && major == HP_GCC_MAJOR) {
        name = "hotpath.so";
        dir = l->plugin_dir_gcc;
    } else if (fam == CLANG && (name = clang_plugin_name(major))) {
        dir = l->plugin_dir_clang;
    }
    if (fam == UNKNOWN) {
        fprintf(stderr, SELF ": '%s' is neither GCC nor Clang, or does not run (supported: %s); "
                        "use one of those (" ENV_COMPILER ")\n", cc, supported());
        return NULL;
    }
    const char *what = fam == GCC ? "GCC" : "Clang";
    if (!name) {
        fprintf(stderr, SELF ": '%s' is %s %d, for which no hotpath plugin was built "
                        "(supported: %s); use one of those (" ENV_COMPILER ")\n",
                cc, what, major, supported());
        return NULL;
    }
    char *path = file_in(dir, name);
    if (!is_file(path)) {
        fprintf(stderr, SELF ": the plugin for %s %d (%s) is missing: build or install it "
                        "(supported: %s)\n", what, major, path, supported());
        return NULL;
    }
    return path;
}

/* ------------------------------------------------------------ main */

/* A sampling period: decimal digits, 1 to 65535 (the plugin's sample=). */
static int valid_sample(const char *s) {
    unsigned long n = 0;
    if (!*s || strspn(s, "0123456789") != strlen(s) || strlen(s) > 5)
        return 0;
    n = strtoul(s, NULL, 10);
    return n >= 1 && n <= 65535;
}

/* Takes --hotpath-include=, --hotpath-exclude=, --hotpath-sample= and
 * --hotpath-verbose out of argv. */
static int take_own_options(int argc, char **argv, const char **inc, const char **exc,
                            const char **sample, int *verbose) {
    int n = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strncmp(a, "--hotpath-include=", 18) == 0)
            *inc = a + 18;
        else if (strncmp(a, "--hotpath-exclude=", 18) == 0)
            *exc = a + 18;
        else if (strncmp(a, "--hotpath-sample=", 17) == 0 && valid_sample(a + 17))
            *sample = a + 17;
        else if (strncmp(a, "--hotpath-sample=", 17) == 0)
            fprintf(stderr, SELF ": invalid value '%s' for --hotpath-sample (accepted: a "
                            "sampling period from 1 to 65535); ignored: each function keeps "
                            "its own \"sample=N\", if any\n", a + 17);
        else if (strcmp(a, "--hotpath-verbose") == 0)
            *verbose = 1;
        else if (strncmp(a, "--hotpath-", 10) == 0)
            fprintf(stderr, SELF ": unknown option '%s' (accepted: --hotpath-include=REGEX, "
                            "--hotpath-exclude=REGEX, --hotpath-sample=N, --hotpath-verbose); "
                            "ignored\n", a);
        else
            argv[n++] = argv[i];
    }
    argv[n] = NULL;
    return n;
}

static void run(char **argv) {
    execvp(argv[0], argv);
    fprintf(stderr, SELF ": cannot run '%s': %s\n", argv[0], strerror(errno));
    exit(127);
}

int main(int argc, char **argv) {
    ssize_t len = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
    if (len <= 0) {
        fprintf(stderr, SELF ": cannot find its own location (/proc/self/exe): %s\n",
                strerror(errno));
        return 1;
    }
    self_path[len] = '\0';

    /* The compiler: cmd[0..ncmd-1], then the user's arguments. */
    const char *inc = getenv("HOTPATH_INCLUDE"), *exc = getenv("HOTPATH_EXCLUDE");
    const char *sample = NULL;
    int verbose = 0;
    argc = 1 + take_own_options(argc - 1, argv + 1, &inc, &exc, &sample, &verbose);
    char *words[64];
    int ncmd = 0, first = 1;
    char *launched = argc > 1 && argv[1][0] != '-' && argv[1][0] != '@'
                         ? find_program(argv[1]) : NULL;
    if (launched) {
        words[ncmd++] = launched;
        first = 2;
    } else {
        const char *env = getenv(ENV_COMPILER);
        char *spec = strdup(env && *env ? env : DEFAULT_COMPILER);
        for (char *w = strtok(spec, " \t"); w && ncmd < 63; w = strtok(NULL, " \t"))
            words[ncmd++] = w;
        if (ncmd == 0)
            words[ncmd++] = DEFAULT_COMPILER;
        char *found = find_program(words[0]);
        if (!found) {
            fprintf(stderr, SELF ": compiler '%s' not found%s (set " ENV_COMPILER
                            " to the compiler to run, e.g. gcc or clang-19)\n",
                    words[0], env && *env ? " (from " ENV_COMPILER ")" : " in PATH");
            return 127;
        }
        words[0] = found;
    }

    int nuser = argc - first;
    char **user = argv + first;

    struct hp_cc_class c;
    hp_cc_classify(nuser, user, &c);
    if (c.kind == HP_CC_LINK && c.is_static && !c.is_relocatable) {
        fprintf(stderr, SELF ": -static: a fully static program cannot be measured (the "
                        "runtime's allocator hooks forward to glibc's shared malloc); link it "
                        "dynamically, or build it with the real compiler\n");
        return 1;
    }
    struct hp_cc_setup setup = {0};
    if (c.kind != HP_CC_PASS) {
        struct layout l;
        find_layout(&l);
        if (c.has_source) { /* only then is the compiler's family needed */
            int major = 0;
            enum family fam = detect(words, ncmd, &major);
            if (!(setup.plugin = plugin_for(&l, fam, major, words[0])))
                return 1;
        }
        setup.include_re = inc && *inc ? inc : NULL;
        setup.exclude_re = exc && *exc ? exc : NULL;
        setup.sample = sample;
        setup.include_dir = l.include_dir;
        setup.runtime_so = file_in(l.lib_dir, "libhotpath.so");
        setup.runtime_dir = is_system_libdir(l.lib_dir) ? NULL : l.lib_dir;
    }
    enum hp_cc_kind kind;
    char **out = c.kind == HP_CC_PASS ? NULL : hp_cc_rewrite(words, ncmd, nuser, user, &setup, &kind);
    if (c.kind == HP_CC_PASS) {
        out = calloc((size_t)(ncmd + nuser + 1), sizeof *out);
        if (out) {
            memcpy(out, words, (size_t)ncmd * sizeof *out);
            memcpy(out + ncmd, user, (size_t)nuser * sizeof *out);
        }
    }
    if (!out) {
        fprintf(stderr, SELF ": out of memory\n");
        return 1;
    }
    if (verbose) {
        for (char **p = out; *p; p++)
            fprintf(stderr, "%s%s", p == out ? SELF ": " : " ", *p);
        fputc('\n', stderr);
    }
    run(out);
}
