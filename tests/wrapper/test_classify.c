/*
 * test_classify.c — hotpath-cc's command-line classification and rewriting
 * (wrapper/classify.c), without running any compiler.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "classify.h"

static const struct hp_cc_setup SETUP = {
    .plugin = "/p/hotpath.so",
    .include_re = ".*",
    .exclude_re = NULL,
    .include_dir = "/p/include",
    .runtime_so = "/p/lib/libhotpath.so",
    .runtime_dir = "/p/lib",
};

/* The rewritten command line of `args` (space-separated, no quoting), as one
 * string, and its kind. */
static enum hp_cc_kind rewrite(const char *args, char *out, size_t size) {
    char buf[1024], *argv[64];
    int argc = 0;
    snprintf(buf, sizeof buf, "%s", args);
    for (char *w = strtok(buf, " "); w; w = strtok(NULL, " "))
        argv[argc++] = w;
    argv[argc] = NULL;
    char *cmd[] = {"cc"};
    enum hp_cc_kind kind;
    char **v = hp_cc_rewrite(cmd, 1, argc, argv, &SETUP, &kind);
    cr_assert_not_null(v);
    out[0] = '\0';
    for (char **p = v; *p; p++) {
        strncat(out, *p, size - strlen(out) - 2);
        if (p[1])
            strcat(out, " ");
    }
    hp_cc_free(v);
    return kind;
}

#define RUNTIME "-Wl,--push-state,--no-as-needed /p/lib/libhotpath.so -Wl,--pop-state -Wl,-rpath,/p/lib"
#define COMPILE "-fplugin=/p/hotpath.so -fplugin-arg-hotpath-include=.* -idirafter /p/include"

TestSuite(classify);

Test(classify, compile_gets_plugin_and_no_runtime) {
    char out[2048];
    cr_assert_eq(rewrite("-O2 -c a.c -o a.o", out, sizeof out), HP_CC_COMPILE);
    cr_assert_str_eq(out, "cc " COMPILE " -O2 -c a.c -o a.o");
}

Test(classify, compile_and_link_gets_both) {
    char out[2048];
    cr_assert_eq(rewrite("-o prog a.c b.o", out, sizeof out), HP_CC_LINK);
    cr_assert_str_eq(out, "cc " COMPILE " -o prog a.c b.o " RUNTIME);
}

Test(classify, objects_only_link_gets_runtime_only) {
    char out[2048];
    cr_assert_eq(rewrite("a.o b.o -lm -o prog", out, sizeof out), HP_CC_LINK);
    cr_assert_str_eq(out, "cc a.o b.o -lm -o prog " RUNTIME);
}

Test(classify, shared_link_gets_runtime) {
    char out[2048];
    cr_assert_eq(rewrite("-shared -fPIC a.o -o liba.so", out, sizeof out), HP_CC_LINK);
    cr_assert_str_eq(out, "cc -shared -fPIC a.o -o liba.so " RUNTIME " -Wl,--exclude-libs,libhotpath.a");
}

Test(classify, preprocess_gets_plugin_without_selection) {
    char out[2048];
    cr_assert_eq(rewrite("-E a.c", out, sizeof out), HP_CC_PREPROCESS);
    cr_assert_str_eq(out, "cc -fplugin=/p/hotpath.so -idirafter /p/include -E a.c");
    cr_assert_eq(rewrite("-M -MF a.d a.c", out, sizeof out), HP_CC_PREPROCESS);
    cr_assert_eq(rewrite("-MM a.c", out, sizeof out), HP_CC_PREPROCESS);
}

Test(classify, md_is_a_side_option_of_a_compile) {
    char out[2048];
    cr_assert_eq(rewrite("-MD -MF a.d -c a.c", out, sizeof out), HP_CC_COMPILE);
}

Test(classify, queries_pass_through) {
    char out[2048];
    const char *queries[] = {"--version", "-v", "-dumpversion", "-print-file-name=plugin",
                             "-print-prog-name=ld", "--help", "-dumpmachine", "", "-O2"};
    for (size_t i = 0; i < sizeof queries / sizeof *queries; i++) {
        cr_assert_eq(rewrite(queries[i], out, sizeof out), HP_CC_PASS, "%s", queries[i]);
        cr_assert_eq(strstr(out, "hotpath"), NULL, "%s: %s", queries[i], out);
    }
}

Test(classify, option_values_are_not_inputs) {
    char out[2048];
    /* -o x.c, -MF y.c, -include z.h: none of them is a source to compile. */
    cr_assert_eq(rewrite("-c -o x.c -MF y.c -include z.h in.o", out, sizeof out), HP_CC_COMPILE);
    cr_assert_eq(strstr(out, "-fplugin"), NULL, "%s", out);
}

Test(classify, x_language_makes_a_source_and_is_reset_before_the_runtime) {
    char out[2048];
    cr_assert_eq(rewrite("-x c prog.txt -o prog", out, sizeof out), HP_CC_LINK);
    cr_assert_str_eq(out, "cc " COMPILE " -x c prog.txt -o prog -xnone " RUNTIME);
    cr_assert_eq(rewrite("-x assembler a.s -c", out, sizeof out), HP_CC_COMPILE);
    cr_assert_eq(strstr(out, "-fplugin"), NULL, "%s", out);
    cr_assert_eq(rewrite("-xc++ a.txt -x none b.o -o p", out, sizeof out), HP_CC_LINK);
    cr_assert_str_eq(out, "cc " COMPILE " -xc++ a.txt -x none b.o -o p " RUNTIME);
}

Test(classify, cxx_and_assembly_sources) {
    char out[2048];
    cr_assert_eq(rewrite("-c a.cpp", out, sizeof out), HP_CC_COMPILE);
    cr_assert_not_null(strstr(out, "-fplugin="));
    cr_assert_eq(rewrite("-c a.S", out, sizeof out), HP_CC_COMPILE);
    cr_assert_eq(strstr(out, "-fplugin"), NULL, "%s", out);
}

Test(classify, relocatable_link_gets_no_runtime) {
    char out[2048];
    cr_assert_eq(rewrite("-r a.o b.o -o ab.o", out, sizeof out), HP_CC_LINK);
    cr_assert_str_eq(out, "cc -r a.o b.o -o ab.o");
}

Test(classify, static_is_reported) {
    struct hp_cc_class c;
    char *argv[] = {"-static", "a.c", NULL};
    hp_cc_classify(2, argv, &c);
    cr_assert(c.is_static);
    cr_assert_eq(c.kind, HP_CC_LINK);
}

Test(classify, response_file_is_read_and_kept) {
    char path[] = "/tmp/hotpath-rspXXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    const char *text = "-O2 \"-c\" 'my file.c'\n";
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    char at[64], out[2048];
    snprintf(at, sizeof at, "@%s", path);
    cr_assert_eq(rewrite(at, out, sizeof out), HP_CC_COMPILE);
    char want[256];
    snprintf(want, sizeof want, "cc " COMPILE " %s", at);
    cr_assert_str_eq(out, want);
    unlink(path);
}

Test(classify, missing_response_file_is_an_input) {
    char out[2048];
    cr_assert_eq(rewrite("@/nonexistent/rsp", out, sizeof out), HP_CC_LINK);
}

Test(classify, a_hotpath_plugin_given_by_hand_is_not_added_twice) {
    char out[2048];
    cr_assert_eq(rewrite("-fplugin=/x/hotpath.so -c a.c", out, sizeof out), HP_CC_COMPILE);
    cr_assert_str_eq(out, "cc -fplugin=/x/hotpath.so -c a.c");
    cr_assert_eq(rewrite("-fplugin=/x/other.so -c a.c", out, sizeof out), HP_CC_COMPILE);
    cr_assert_str_eq(out, "cc " COMPILE " -fplugin=/x/other.so -c a.c");
}

Test(classify, sample_is_handed_to_the_plugin_where_code_is_generated) {
    struct hp_cc_setup s = SETUP;
    s.sample = "64";
    char buf[] = "-c a.c", *argv[] = {buf, buf + 3, NULL}, *cmd[] = {"cc"};
    buf[2] = '\0';
    enum hp_cc_kind kind;
    char **v = hp_cc_rewrite(cmd, 1, 2, argv, &s, &kind);
    cr_assert_not_null(v);
    int found = 0;
    for (char **p = v; *p; p++)
        found += !strcmp(*p, "-fplugin-arg-hotpath-sample=64");
    cr_assert_eq(found, 1);
    hp_cc_free(v);
    char pbuf[] = "-E a.c", *pargv[] = {pbuf, pbuf + 3, NULL};
    pbuf[2] = '\0';
    v = hp_cc_rewrite(cmd, 1, 2, pargv, &s, &kind);
    cr_assert_eq(kind, HP_CC_PREPROCESS);
    for (char **p = v; *p; p++)
        cr_assert(strncmp(*p, "-fplugin-arg-hotpath-sample", 27), "not for -E: %s", *p);
    hp_cc_free(v);
}

/* A build system's probe gets the plugin (tags and __HOTPATH__ as in the
 * project's own units) but no function selection: a probe that runs then
 * measures nothing and prints nothing, so configure concludes what it
 * would without hotpath (m4's "whether perror matches strerror" compares
 * a conftest's stdout with its stderr). */
Test(classify, build_system_probes_get_no_selection) {
    char out[2048];
    const char *probes[] = {
        "-o conftest -O2 conftest.c",                      /* autoconf */
        "-c -o conftest.o conftest.cpp",                   /* AC_LANG(C++) */
        "-c /b/CMakeFiles/CMakeScratch/TryCompile-Ab12/src.c -o src.o",
        "-c /b/CMakeFiles/CMakeTmp/src.cxx -o src.o",      /* CMake before 3.24 */
        "/b/CMakeFiles/3.25.1/CompilerIdC/CMakeCCompilerId.c",
        "-c /b/meson-private/tmpab12/testfile.c -o out.o", /* Meson */
    };
    for (size_t i = 0; i < sizeof probes / sizeof *probes; i++) {
        rewrite(probes[i], out, sizeof out);
        cr_assert(strstr(out, "-fplugin=/p/hotpath.so -idirafter /p/include "), "%s: %s", probes[i], out);
        cr_assert_null(strstr(out, "include=.*"), "%s: %s", probes[i], out);
    }
    /* the probe's link still gets the runtime */
    rewrite("-o conftest conftest.c", out, sizeof out);
    cr_assert(strstr(out, RUNTIME), "%s", out);
    /* names that only look alike are the project's own */
    rewrite("-c myconftest.c -o a.o", out, sizeof out);
    cr_assert_str_eq(out, "cc " COMPILE " -c myconftest.c -o a.o");
    rewrite("-c src/CMakeTmpx.c -o a.o", out, sizeof out);
    cr_assert_str_eq(out, "cc " COMPILE " -c src/CMakeTmpx.c -o a.o");
}
