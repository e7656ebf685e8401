/*
 * gen_options_doc.c — writes the table of HOTPATH_* variables into
 * docs/configuration.md, between the markers
 *   <!-- options:begin --> and <!-- options:end -->,
 * from runtime/src/options.def, so that the docs cannot drift from the code.
 *
 *   gen_options_doc FILE           rewrite the table in FILE
 *   gen_options_doc --check FILE   exit 1 if FILE's table is out of date
 *   gen_options_doc --man IN OUT   write the man page hotpath(7): IN with its
 *                                  line starting '.\" options' replaced by
 *                                  the variables, as roff
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char BEGIN[] = "<!-- options:begin -->\n", END[] = "<!-- options:end -->\n";

static char *read_all(const char *path) {
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    if (buf)
        buf[n] = '\0';
    fclose(f);
    return buf;
}

static void table(FILE *out) {
    fputs("| variable | default | accepted values | meaning |\n", out);
    fputs("|---|---|---|---|\n", out);
#define HP_OPTION(field, var, type, def, accepted, desc)                                           \
    fprintf(out, "| `%s` | %s%s%s | %s | %s |\n", var, def[0] ? "`" : "(none)", def,               \
            def[0] ? "`" : "", accepted, desc);
#include "../src/options.def"
#undef HP_OPTION
}

/* A UTF-8 sequence at s as groff's \[uXXXX] (troff reads its input as
 * Latin-1 bytes otherwise); returns the bytes it took, 0 if not UTF-8. */
static int roff_utf8(FILE *out, const unsigned char *s) {
    int n = (*s & 0xE0) == 0xC0 ? 2 : (*s & 0xF0) == 0xE0 ? 3 : (*s & 0xF8) == 0xF0 ? 4 : 0;
    unsigned cp = n ? *s & (0x7Fu >> n) : 0;
    for (int i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3Fu);
    }
    if (n)
        fprintf(out, "\\[u%04X]", cp);
    return n;
}

/* Markdown-ish text as roff: `code` in bold, backslashes escaped, no line
 * starting with a control character, characters past ASCII by name. */
static void roff_text(FILE *out, const char *s) {
    int bold = 0, n;
    if (*s == '.' || *s == '\'')
        fputs("\\&", out);
    for (; *s; s++) {
        if (*s == '`') {
            fputs(bold ? "\\fR" : "\\fB", out);
            bold = !bold;
        } else if (*s == '\\') {
            fputs("\\e", out);
        } else if (*s == '-') {
            fputs("\\-", out);
        } else if ((unsigned char)*s >= 0x80 && (n = roff_utf8(out, (const unsigned char *)s)) > 0) {
            s += n - 1;
        } else {
            fputc(*s, out);
        }
    }
    if (bold)
        fputs("\\fR", out);
    fputc('\n', out);
}

static void man_entries(FILE *out) {
#define HP_OPTION(field, var, type, def, accepted, desc)                                           \
    fprintf(out, ".TP\n.B %s\n", var);                                                            \
    roff_text(out, desc);                                                                          \
    fputs(".br\nAccepted: ", out);                                                                 \
    roff_text(out, accepted);                                                                      \
    fputs(".br\nDefault: ", out);                                                                  \
    roff_text(out, def[0] ? def : "(none)");
#include "../src/options.def"
#undef HP_OPTION
}

static int write_man(const char *in, const char *outpath) {
    char *text = read_all(in);
    if (!text) {
        perror(in);
        return 1;
    }
    FILE *out = fopen(outpath, "w");
    if (!out) {
        perror(outpath);
        free(text);
        return 1;
    }
    int done = 0;
    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t)(nl - line + 1) : strlen(line);
        if (!done && strncmp(line, ".\\\" options", 11) == 0) {
            man_entries(out);
            done = 1;
        } else {
            fwrite(line, 1, len, out);
        }
        line += len;
    }
    free(text);
    if (fclose(out) != 0 || !done) {
        fprintf(stderr, "gen_options_doc: %s has no line starting '.\\\" options'\n", in);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "--man") == 0)
        return write_man(argv[2], argv[3]);
    int check = argc == 3 && strcmp(argv[1], "--check") == 0;
    if (argc != 2 + check) {
        fprintf(stderr, "usage: gen_options_doc [--check] docs/configuration.md\n"
                        "       gen_options_doc --man docs/man/hotpath.7.in hotpath.7\n");
        return 2;
    }
    const char *path = argv[1 + check];
    char *doc = read_all(path);
    char *b = doc ? strstr(doc, BEGIN) : NULL, *e = b ? strstr(b, END) : NULL;
    if (!e) {
        fprintf(stderr, "gen_options_doc: %s has no '%.*s' ... '%.*s' markers\n", path,
                (int)strlen(BEGIN) - 1, BEGIN, (int)strlen(END) - 1, END);
        free(doc);
        return 2;
    }
    char *fresh = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&fresh, &len);
    fwrite(doc, 1, (size_t)(b - doc) + strlen(BEGIN), m);
    table(m);
    fputs(e, m);
    fclose(m);
    int status = 0;
    if (check) {
        if (strcmp(fresh, doc) != 0) {
            fprintf(stderr, "gen_options_doc: the table in %s is out of date with options.def; "
                            "run 'make docs'\n", path);
            status = 1;
        }
    } else {
        FILE *out = fopen(path, "w");
        if (!out || fputs(fresh, out) < 0 || fclose(out) != 0) {
            perror(path);
            status = 1;
        }
    }
    free(fresh);
    free(doc);
    return status;
}
