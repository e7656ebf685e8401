/*
 * flamegraph.c — `hotpath flamegraph TRACE [-o OUT]`: the calls of a
 * HOTPATH_TRACE file (Chrome trace event JSON) as folded stacks, one line
 * per distinct call chain with its self time ("main;parse;lex 12345"), the
 * input of flamegraph.pl, inferno and speedscope; or, with --svg, a flame
 * graph drawn here (Debian packages no flame graph renderer).
 *
 * Stacks are rebuilt from the slices' nesting on each thread: a slice's
 * parent is the innermost earlier slice of the same thread that contains
 * it. Self time is a slice's duration minus its children's.
 */
#define _GNU_SOURCE
#include <cjson/cJSON.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define CMD "flamegraph"

void cli_flamegraph_help(FILE *out) {
    fputs("usage: hotpath flamegraph [options] TRACE\n\n"
          "Turns a trace written with HOTPATH_TRACE=PATH (Chrome trace event JSON) into\n"
          "folded stacks: one line per call chain, outermost function first, with the\n"
          "self time spent in it (\"main;parse;lex 12345\"), for flamegraph.pl, inferno\n"
          "or speedscope (drop the file on speedscope.app); or, with --svg, into a flame\n"
          "graph in SVG (a box per chain, as wide as its total time).\n\n"
          "options:\n"
          "  -o, --output FILE  write to FILE instead of stdout\n"
          "  --unit U           ns (default) or us: the unit of the folded counts\n"
          "  --threads          put each thread's name first in its stacks\n"
          "  --svg              write an SVG flame graph instead of folded stacks\n"
          "  --title TEXT       the SVG's title (default: the program's name)\n"
          "  --help             this text\n\n"
          "exit status: 0 ok, 2 bad input.\n",
          out);
}

struct slice {
    int64_t ts, end; /* ns */
    long tid;
    size_t order; /* position in the file: keeps ties stable */
    const char *name;
};

static int slice_cmp(const void *x, const void *y) {
    const struct slice *a = x, *b = y;
    if (a->tid != b->tid)
        return a->tid < b->tid ? -1 : 1;
    if (a->ts != b->ts)
        return a->ts < b->ts ? -1 : 1;
    if (a->end != b->end)
        return a->end > b->end ? -1 : 1; /* the longer (the parent) first */
    return a->order < b->order ? -1 : a->order > b->order;
}

/* One distinct chain and its self time. */
struct chain {
    char *stack;
    uint64_t self_ns;
};

struct chains {
    struct chain *v;
    size_t n, cap;
    /* open addressing on the chain text */
    size_t *slot;
    size_t nslot;
};

static uint64_t hash_text(const char *s) {
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static bool chains_add(struct chains *c, const char *stack, uint64_t self) {
    if ((c->n + 1) * 2 > c->nslot) {
        size_t nslot = c->nslot ? c->nslot * 2 : 1024;
        size_t *slot = malloc(nslot * sizeof *slot);
        if (!slot)
            return false;
        for (size_t i = 0; i < nslot; i++)
            slot[i] = SIZE_MAX;
        for (size_t k = 0; k < c->n; k++) {
            size_t i = hash_text(c->v[k].stack) & (nslot - 1);
            while (slot[i] != SIZE_MAX)
                i = (i + 1) & (nslot - 1);
            slot[i] = k;
        }
        free(c->slot);
        c->slot = slot;
        c->nslot = nslot;
    }
    size_t i = hash_text(stack) & (c->nslot - 1);
    for (; c->slot[i] != SIZE_MAX; i = (i + 1) & (c->nslot - 1))
        if (strcmp(c->v[c->slot[i]].stack, stack) == 0) {
            c->v[c->slot[i]].self_ns += self;
            return true;
        }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        struct chain *v = realloc(c->v, cap * sizeof *v);
        if (!v)
            return false;
        c->v = v;
        c->cap = cap;
    }
    char *copy = strdup(stack);
    if (!copy)
        return false;
    c->v[c->n] = (struct chain){copy, self};
    c->slot[i] = c->n++;
    return true;
}

static int chain_cmp(const void *x, const void *y) {
    return strcmp(((const struct chain *)x)->stack, ((const struct chain *)y)->stack);
}

/* A frame name as folded stacks allow: no ';' (the separator) and no
 * newline; spaces are fine (the count is after the last one). */
static void append_frame(char **buf, size_t *len, size_t *cap, const char *name) {
    size_t n = strlen(name);
    if (*len + n + 2 > *cap) {
        size_t c = (*cap + n + 2) * 2;
        char *b = realloc(*buf, c);
        if (!b) {
            perror("hotpath flamegraph");
            exit(CLI_EXIT_BAD_INPUT);
        }
        *buf = b;
        *cap = c;
    }
    if (*len)
        (*buf)[(*len)++] = ';';
    for (size_t i = 0; i < n; i++) {
        char ch = name[i];
        (*buf)[(*len)++] = ch == ';' ? ':' : (ch == '\n' || ch == '\r') ? ' ' : ch;
    }
    (*buf)[*len] = '\0';
}

static char *read_file(const char *path, size_t *size) {
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    for (size_t got; b && (got = fread(b + n, 1, cap - n - 1, f)) > 0;) {
        n += got;
        if (cap - n < 2) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                b = NULL;
                break;
            }
            b = nb;
            cap *= 2;
        }
    }
    bool err = ferror(f);
    if (f != stdin)
        fclose(f);
    if (!b || err) {
        free(b);
        return NULL;
    }
    b[n] = '\0';
    *size = n;
    return b;
}

struct thread_name {
    long tid;
    const char *name;
};

/* ======================================================================== */
/* SVG                                                                      */
/* ======================================================================== */

/* The chains merged into a tree: a node per distinct prefix. */
struct node {
    const char *name;
    uint64_t total; /* its self and its descendants' */
    struct node *child, *next;
};

static struct node *node_child(struct node *p, const char *name, size_t len) {
    for (struct node *c = p->child; c; c = c->next)
        if (strlen(c->name) == len && strncmp(c->name, name, len) == 0)
            return c;
    struct node *c = calloc(1, sizeof *c);
    char *n = strndup(name, len);
    if (!c || !n) {
        perror("hotpath flamegraph");
        exit(CLI_EXIT_BAD_INPUT);
    }
    c->name = n;
    /* appended in order: chains come sorted, so siblings are alphabetical */
    struct node **tail = &p->child;
    while (*tail)
        tail = &(*tail)->next;
    *tail = c;
    return c;
}

static int tree_depth(const struct node *n) {
    int d = 0;
    for (const struct node *c = n->child; c; c = c->next) {
        int k = tree_depth(c);
        if (k > d)
            d = k;
    }
    return d + 1;
}

static void tree_free(struct node *n) {
    for (struct node *c = n->child, *next; c; c = next) {
        next = c->next;
        tree_free(c);
        free((char *)c->name);
        free(c);
    }
}

static void svg_text(FILE *out, const char *s) {
    for (; *s; s++)
        switch (*s) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*s, out);
        }
}

#define SVG_WIDTH 1200.0
#define SVG_ROW 16
#define SVG_PAD 10.0

static void svg_node(FILE *out, const struct node *n, double x, int depth, int height,
                     double scale, uint64_t root_total, const char *unit) {
    double w = (double)n->total * scale;
    if (w < 0.1)
        return;
    int y = height - (depth + 1) * SVG_ROW;
    /* warm colours from the name, as flamegraph.pl does */
    uint64_t h = hash_text(n->name);
    int r = 205 + (int)(h % 50), g = (int)((h >> 8) % 230), b = (int)((h >> 16) % 55);
    double pct = 100.0 * (double)n->total / (double)(root_total ? root_total : 1);
    fprintf(out, "<g><title>");
    svg_text(out, n->name);
    fprintf(out, " (%llu %s, %.2f%%)</title><rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                 "fill=\"rgb(%d,%d,%d)\" rx=\"2\"/>",
            (unsigned long long)n->total, unit, pct, x, y, w, SVG_ROW - 1, r, g, b);
    size_t fit = w > 12 ? (size_t)((w - 6) / 7) : 0; /* ~7 px per character at 12px */
    if (fit >= 3) {
        fprintf(out, "<text x=\"%.1f\" y=\"%d\">", x + 3, y + SVG_ROW - 4);
        size_t len = strlen(n->name);
        if (len <= fit)
            svg_text(out, n->name);
        else {
            char *cut = strndup(n->name, fit - 2);
            if (cut)
                svg_text(out, cut);
            free(cut);
            fputs("..", out);
        }
        fputs("</text>", out);
    }
    fputs("</g>\n", out);
    double cx = x;
    for (const struct node *c = n->child; c; c = c->next) {
        svg_node(out, c, cx, depth + 1, height, scale, root_total, unit);
        cx += (double)c->total * scale;
    }
}

static void write_svg(FILE *out, const struct chains *c, const char *title, const char *unit) {
    struct node root = {"all", 0, NULL, NULL};
    for (size_t i = 0; i < c->n; i++) {
        struct node *p = &root;
        root.total += c->v[i].self_ns;
        for (const char *s = c->v[i].stack; *s;) {
            const char *e = strchr(s, ';');
            size_t len = e ? (size_t)(e - s) : strlen(s);
            p = node_child(p, s, len);
            p->total += c->v[i].self_ns;
            s += len + (e ? 1 : 0);
        }
    }
    int depth = tree_depth(&root);
    int height = (depth + 3) * SVG_ROW + 20;
    double scale = root.total ? (SVG_WIDTH - 2 * SVG_PAD) / (double)root.total : 0;
    fprintf(out,
            "<?xml version=\"1.0\" standalone=\"no\"?>\n"
            "<svg version=\"1.1\" width=\"%d\" height=\"%d\" xmlns=\"http://www.w3.org/2000/svg\" "
            "font-family=\"Verdana,sans-serif\" font-size=\"12\">\n"
            "<rect x=\"0\" y=\"0\" width=\"100%%\" height=\"100%%\" fill=\"#f8f8f8\"/>\n"
            "<text x=\"%d\" y=\"24\" text-anchor=\"middle\" font-size=\"17\">",
            (int)SVG_WIDTH, height, (int)(SVG_WIDTH / 2));
    svg_text(out, title);
    fprintf(out, "</text>\n");
    svg_node(out, &root, SVG_PAD, 0, height - 10, scale, root.total, unit);
    fputs("</svg>\n", out);
    tree_free(&root);
}

/* ======================================================================== */
/* Main                                                                     */
/* ======================================================================== */

int cli_flamegraph_main(int argc, char **argv) {
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'}, {"unit", required_argument, NULL, 'u'},
        {"threads", no_argument, NULL, 't'},      {"svg", no_argument, NULL, 's'},
        {"title", required_argument, NULL, 'T'},  {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *output = NULL, *title = NULL;
    bool us = false, threads = false, svg = false;
    int c;
    while ((c = getopt_long(argc, argv, "o:", longopts, NULL)) != -1) {
        switch (c) {
        case 'o': output = optarg; break;
        case 'u':
            if (strcmp(optarg, "ns") == 0)
                us = false;
            else if (strcmp(optarg, "us") == 0)
                us = true;
            else
                return cli_fail(CMD, "--unit '%s' is not valid: expected ns or us", optarg);
            break;
        case 't': threads = true; break;
        case 's': svg = true; break;
        case 'T': title = optarg; break;
        case 'h': cli_flamegraph_help(stdout); return CLI_EXIT_OK;
        default: return CLI_EXIT_BAD_INPUT;
        }
    }
    if (optind != argc - 1)
        return cli_fail(CMD, "expected one trace file (see 'hotpath flamegraph --help')");
    const char *path = argv[optind];
    size_t size;
    char *text = read_file(path, &size);
    if (!text)
        return cli_fail(CMD, "cannot read %s: %s", path, strerror(errno));
    cJSON *root = cJSON_ParseWithLength(text, size);
    free(text);
    if (!root)
        return cli_fail(CMD, "%s is not JSON", path);
    cJSON *events = cJSON_IsArray(root) ? root : cJSON_GetObjectItemCaseSensitive(root, "traceEvents");
    if (!cJSON_IsArray(events)) {
        cJSON_Delete(root);
        return cli_fail(CMD, "%s has no traceEvents array: not a trace (HOTPATH_TRACE writes one)",
                        path);
    }
    size_t nev = (size_t)cJSON_GetArraySize(events), n = 0, nthreads = 0, skipped = 0;
    struct slice *v = calloc(nev ? nev : 1, sizeof *v);
    struct thread_name *tn = calloc(nev ? nev : 1, sizeof *tn);
    if (!v || !tn) {
        cJSON_Delete(root);
        return cli_fail(CMD, "out of memory");
    }
    const char *program = NULL;
    size_t order = 0;
    const cJSON *e;
    cJSON_ArrayForEach(e, events) {
        const cJSON *ph = cJSON_GetObjectItemCaseSensitive(e, "ph");
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "name");
        const cJSON *tid = cJSON_GetObjectItemCaseSensitive(e, "tid");
        if (!cJSON_IsString(ph) || !cJSON_IsString(name))
            continue;
        if (strcmp(ph->valuestring, "M") == 0) {
            const cJSON *args = cJSON_GetObjectItemCaseSensitive(e, "args");
            const cJSON *an = cJSON_GetObjectItemCaseSensitive(args, "name");
            if (!cJSON_IsString(an))
                continue;
            if (strcmp(name->valuestring, "process_name") == 0)
                program = an->valuestring;
            else if (strcmp(name->valuestring, "thread_name") == 0 && cJSON_IsNumber(tid))
                tn[nthreads++] = (struct thread_name){(long)tid->valuedouble, an->valuestring};
            continue;
        }
        if (strcmp(ph->valuestring, "X") != 0)
            continue;
        const cJSON *ts = cJSON_GetObjectItemCaseSensitive(e, "ts");
        const cJSON *dur = cJSON_GetObjectItemCaseSensitive(e, "dur");
        if (!cJSON_IsNumber(ts) || !cJSON_IsNumber(dur) || !(dur->valuedouble >= 0) ||
            !isfinite(ts->valuedouble)) {
            skipped++;
            continue;
        }
        int64_t t0 = llround(ts->valuedouble * 1000), d = llround(dur->valuedouble * 1000);
        v[n++] = (struct slice){t0, t0 + d, cJSON_IsNumber(tid) ? (long)tid->valuedouble : 0,
                                order++, name->valuestring};
    }
    if (skipped)
        cli_warn(CMD, "%zu X events without a number ts and a dur >= 0: left out", skipped);
    qsort(v, n, sizeof *v, slice_cmp);

    struct chains ch = {0};
    /* the open slices of the current thread, outermost first */
    size_t *stack = malloc((n ? n : 1) * sizeof *stack);
    uint64_t *child = malloc((n ? n : 1) * sizeof *child);
    char *buf = NULL;
    size_t buflen = 0, bufcap = 0, depth = 0;
    bool ok = stack && child;
    /* closes the top slice: its chain gets its self time */
    for (size_t i = 0; ok && i <= n; i++) {
        bool new_thread = i == n || (i > 0 && v[i].tid != v[i - 1].tid);
        while (depth > 0 && (new_thread || v[stack[depth - 1]].end <= v[i].ts ||
                             v[i].end > v[stack[depth - 1]].end)) {
            /* the top is done (or, for a slice that overlaps it without
             * nesting, treated as done: Chrome's viewers do the same) */
            size_t top = stack[--depth];
            uint64_t dur = (uint64_t)(v[top].end - v[top].ts);
            uint64_t self = dur > child[depth] ? dur - child[depth] : 0;
            buflen = 0;
            if (buf)
                buf[0] = '\0';
            if (threads) {
                const char *tname = NULL;
                for (size_t k = 0; k < nthreads && !tname; k++)
                    if (tn[k].tid == v[top].tid)
                        tname = tn[k].name;
                char fallback[32];
                snprintf(fallback, sizeof fallback, "thread %ld", v[top].tid);
                append_frame(&buf, &buflen, &bufcap, tname ? tname : fallback);
            }
            for (size_t k = 0; k <= depth; k++)
                append_frame(&buf, &buflen, &bufcap, v[k < depth ? stack[k] : top].name);
            if (!chains_add(&ch, buf, self))
                ok = false;
            if (depth > 0)
                child[depth - 1] += dur;
        }
        if (i == n)
            break;
        stack[depth] = i;
        child[depth++] = 0;
    }
    free(buf);
    free(stack);
    free(child);
    if (!ok) {
        cJSON_Delete(root);
        return cli_fail(CMD, "out of memory");
    }
    qsort(ch.v, ch.n, sizeof *ch.v, chain_cmp);

    FILE *out = output ? fopen(output, "w") : stdout;
    if (!out) {
        cJSON_Delete(root);
        return cli_fail(CMD, "cannot open %s: %s", output, strerror(errno));
    }
    if (svg) {
        char t[256];
        snprintf(t, sizeof t, "%s%s (self time)", program ? program : "hotpath trace",
                 threads ? ", by thread" : "");
        /* the SVG keeps ns: its widths are exact whatever --unit says */
        write_svg(out, &ch, title ? title : t, "ns");
    } else
        for (size_t i = 0; i < ch.n; i++) {
            uint64_t count = us ? (ch.v[i].self_ns + 500) / 1000 : ch.v[i].self_ns;
            if (count)
                fprintf(out, "%s %llu\n", ch.v[i].stack, (unsigned long long)count);
        }
    int rc = CLI_EXIT_OK;
    if (fflush(out) != 0 || ferror(out) || (output && fclose(out) != 0))
        rc = cli_fail(CMD, "cannot write %s: %s", output ? output : "stdout", strerror(errno));
    for (size_t i = 0; i < ch.n; i++)
        free(ch.v[i].stack);
    free(ch.v);
    free(ch.slot);
    free(v);
    free(tn);
    cJSON_Delete(root);
    return rc;
}
