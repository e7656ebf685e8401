/*
 * metrics.c — HOTPATH_METRICS: the figures so far at /metrics, in the
 * Prometheus text exposition format (version 0.0.4), for a Prometheus
 * server to scrape while the program runs.
 *
 * The runtime takes no dependency, so the HTTP server is a small one of
 * its own, on one background thread: poll(2) over non-blocking sockets,
 * at most HP_METRICS_CLIENTS connections (a client past that gets a 503
 * and is closed), each given HP_METRICS_READ_MS to send a request of at
 * most HP_METRICS_REQUEST_MAX bytes and HP_METRICS_WRITE_MS to take its
 * answer, so that a slow or silent client is dropped without holding up
 * the others. One request per connection (Connection: close). `GET
 * /metrics` is answered 200, another path 404, another method 405, a
 * request line that is not HTTP/1.x 400, headers too long 431.
 *
 * Measured threads never wait for it: the figures are collected the way
 * the report collects them (hp_report_collect takes hp_lock, which
 * measured code takes only at a thread's start and end and at a site's
 * first call, never per call), at most once per HOTPATH_LIVE_INTERVAL; a
 * scrape in between is answered from the text of the last collection.
 * The thread is marked busy for its whole life, so that nothing it does
 * (its mallocs, its report) is measured or counted as the program's.
 *
 * It is started where signals.c starts its reporter (hp_signals_start:
 * when the first thread starts measuring, and only on a thread that
 * blocks no signal, since pthread_create is not async-signal-safe), with
 * every signal blocked. A forked child closes the parent's sockets and has
 * no endpoint: the parent keeps the port.
 */
#define _GNU_SOURCE
#include "metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "histogram.h"
#include "internal.h"
#include "signals.h"

#define HP_METRICS_CLIENTS 16        /* connections served at once */
#define HP_METRICS_SLOTS 32          /* and those told 503, closing */
#define HP_METRICS_REQUEST_MAX 8192  /* bytes of a request line and headers */
#define HP_METRICS_READ_MS 2000      /* to send the whole request */
#define HP_METRICS_WRITE_MS 10000    /* to take the whole answer */
#define HP_METRICS_LINGER_MS 1000    /* after the answer, to close its side */
#define HP_METRICS_BACKLOG 64
/* The histogram's bounds: every power of two of nanoseconds from 2^6
 * (64 ns) to 2^35 (34.36 s), then +Inf. */
#define HP_METRICS_LE_FIRST 6
#define HP_METRICS_LE_LAST 35

/* ======================================================================== */
/* The exposition                                                           */
/* ======================================================================== */

/* A label value: UTF-8 (a byte that begins no valid sequence becomes the
 * UTF-8 of its Latin-1 reading, as the report does), with backslash,
 * double quote and line feed escaped as the format asks. */
static void put_label_value(FILE *f, const char *s) {
    while (*s) {
        size_t n = hp_utf8_len(s);
        if (n == 0) {
            unsigned char c = (unsigned char)*s++;
            fputc(0xC0 | (c >> 6), f);
            fputc(0x80 | (c & 0x3F), f);
            continue;
        }
        if (n == 1 && (*s == '\\' || *s == '"'))
            fputc('\\', f);
        if (n == 1 && *s == '\n')
            fputs("\\n", f);
        else
            fwrite(s, 1, n, f);
        s += n;
    }
}

static void put_labels(FILE *f, const char *function, const char *file, const char *program) {
    fputs("function=\"", f);
    put_label_value(f, function ? function : "");
    fputs("\",file=\"", f);
    put_label_value(f, file ? file : "");
    fputs("\",program=\"", f);
    put_label_value(f, program ? program : "");
    fputc('"', f);
}

/* ns as seconds, exactly: "0.002090000". */
static void put_seconds(FILE *f, uint64_t ns) {
    fprintf(f, "%" PRIu64 ".%09" PRIu64, ns / 1000000000u, ns % 1000000000u);
}

/* A bound's label: ns as seconds without trailing zeros ("0.000000064"). */
static void put_bound(FILE *f, uint64_t ns) {
    char frac[16];
    snprintf(frac, sizeof frac, "%09" PRIu64, ns % 1000000000u);
    size_t n = strlen(frac);
    while (n > 0 && frac[n - 1] == '0')
        frac[--n] = '\0';
    fprintf(f, "%" PRIu64 "%s%s", ns / 1000000000u, n ? "." : "", frac);
}

static void put_family(FILE *f, const char *name, const char *type, const char *help) {
    fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* The bucket's midpoint, in nanoseconds: a bucket that holds a bound is
 * counted below it when its midpoint is (1/128 of a value at most). */
static double bucket_mid_ns(uint32_t index, double ns_per_tick) {
    return ((double)hp_hist_bucket_low(index) + (double)(hp_hist_bucket_width(index) - 1) / 2.0) *
           ns_per_tick;
}

static void put_histogram(FILE *f, const struct hp_report *r, const struct hp_row *row) {
    const char *name = "hotpath_call_duration_seconds";
    const struct hp_bucket *b = r->buckets ? r->buckets + row->hist.first : NULL;
    uint32_t nb = b ? row->hist.nbuckets : 0, j = 0;
    uint64_t cum = 0;
    for (int e = HP_METRICS_LE_FIRST; e <= HP_METRICS_LE_LAST; e++) {
        uint64_t bound = UINT64_C(1) << e;
        while (j < nb && bucket_mid_ns(b[j].index, r->ns_per_tick) <= (double)bound)
            cum += b[j++].count;
        fprintf(f, "%s_bucket{", name);
        put_labels(f, row->name, row->file, r->program);
        fputs(",le=\"", f);
        put_bound(f, bound);
        fprintf(f, "\"} %" PRIu64 "\n", cum);
    }
    while (j < nb)
        cum += b[j++].count;
    fprintf(f, "%s_bucket{", name);
    put_labels(f, row->name, row->file, r->program);
    fprintf(f, ",le=\"+Inf\"} %" PRIu64 "\n%s_sum{", cum, name);
    put_labels(f, row->name, row->file, r->program);
    /* of the timed calls, as the buckets (the report's percentiles too):
     * a sampled row's sum is an estimate for every call, so its timed
     * calls' own */
    uint64_t sum = row->sampled ? row->timed_sum : row->sum;
    fputs("} ", f);
    put_seconds(f, sum);
    fprintf(f, "\n%s_count{", name);
    put_labels(f, row->name, row->file, r->program);
    fprintf(f, "} %" PRIu64 "\n", cum);
}

/* The file of the timing row named `name` (the allocation rows have none). */
static const char *row_file(const struct hp_report *r, const char *name) {
    for (size_t i = 0; i < r->nrows; i++)
        if (r->rows[i].name == name)
            return r->rows[i].file;
    return "";
}

void hp_metrics_write(FILE *f, const struct hp_report *r, double start_s) {
    put_family(f, "hotpath_calls_total", "counter",
               "Calls of a measured function or block that returned.");
    for (size_t i = 0; i < r->nrows; i++) {
        fputs("hotpath_calls_total{", f);
        put_labels(f, r->rows[i].name, r->rows[i].file, r->program);
        fprintf(f, "} %" PRIu64 "\n", r->rows[i].calls);
    }
    put_family(f, "hotpath_time_seconds_total", "counter",
               "Time in a measured function or block: total, or self (without its measured "
               "callees); estimates scaled to every call when sampled.");
    for (size_t i = 0; i < r->nrows; i++)
        for (int k = 0; k < 2; k++) {
            fputs("hotpath_time_seconds_total{", f);
            put_labels(f, r->rows[i].name, r->rows[i].file, r->program);
            fprintf(f, ",kind=\"%s\"} ", k ? "self" : "total");
            put_seconds(f, k ? r->rows[i].self : r->rows[i].total);
            fputc('\n', f);
        }
    put_family(f, "hotpath_call_duration_seconds", "histogram",
               "Durations of the timed calls of a measured function or block.");
    for (size_t i = 0; i < r->nrows; i++)
        put_histogram(f, r, &r->rows[i]);
    if (r->alloc) {
        put_family(f, "hotpath_alloc_bytes_total", "counter",
                   "Bytes allocated by a measured function or block.");
        for (size_t i = 0; i < r->narows; i++) {
            fputs("hotpath_alloc_bytes_total{", f);
            put_labels(f, r->arows[i].name, row_file(r, r->arows[i].name), r->program);
            fprintf(f, "} %" PRIu64 "\n", r->arows[i].bytes_total);
        }
        put_family(f, "hotpath_allocations_total", "counter",
                   "Allocations made by a measured function or block.");
        for (size_t i = 0; i < r->narows; i++) {
            fputs("hotpath_allocations_total{", f);
            put_labels(f, r->arows[i].name, row_file(r, r->arows[i].name), r->program);
            fprintf(f, "} %" PRIu64 "\n", r->arows[i].allocs);
        }
    }
    if (start_s >= 0) {
        put_family(f, "process_start_time_seconds", "gauge",
                   "Start time of the process since unix epoch in seconds.");
        fprintf(f, "process_start_time_seconds %.2f\n", start_s);
    }
}

/* ======================================================================== */
/* The server                                                               */
/* ======================================================================== */

enum client_state { C_FREE, C_READING, C_WRITING, C_DRAINING };

struct client {
    int fd;
    enum client_state state;
    uint64_t deadline; /* ms, CLOCK_MONOTONIC */
    size_t in_len;
    char in[HP_METRICS_REQUEST_MAX];
    char *out;
    size_t out_len, out_off;
};

static struct {
    _Atomic int state;     /* S_* below */
    _Atomic bool quit;     /* at exit: the thread ends */
    int listen_fd, wake_r, wake_w;
    double start_s;        /* process_start_time_seconds */
    char *body;            /* the last collection's text */
    size_t body_len;
    uint64_t body_at;      /* ms */
    bool have_body;
    uint64_t accept_pause; /* ms: out of descriptors, accept again after */
    struct client c[HP_METRICS_SLOTS];
} srv = {.listen_fd = -1, .wake_r = -1, .wake_w = -1};

enum { S_NONE, S_RUNNING, S_DONE };

static uint64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Seconds since the epoch at which the process started (/proc/self/stat's
 * starttime, after boot, and /proc/stat's btime); < 0 when unknown. */
static double process_start(void) {
    char buf[1024];
    double start = -1;
    FILE *f = fopen("/proc/self/stat", "re");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    const char *p = strrchr(buf, ')'); /* after the command, which may hold spaces */
    unsigned long long ticks = 0;
    /* fields 3 to 21, then 22: starttime */
    for (int field = 2; p && field < 22; field++)
        p = strchr(p + 1, ' ');
    if (!p || sscanf(p + 1, "%llu", &ticks) != 1)
        return -1;
    f = fopen("/proc/stat", "re");
    if (!f)
        return -1;
    unsigned long long btime;
    while (fgets(buf, sizeof buf, f))
        if (sscanf(buf, "btime %llu", &btime) == 1) {
            long hz = sysconf(_SC_CLK_TCK);
            start = (double)btime + (double)ticks / (double)(hz > 0 ? hz : 100);
            break;
        }
    fclose(f);
    return start;
}

/* The exposition of now, or of the last collection when it is younger than
 * HOTPATH_LIVE_INTERVAL. */
static void refresh_body(uint64_t now) {
    uint64_t interval = (uint64_t)hp_config.live_interval; /* ms */
    if (srv.have_body && now - srv.body_at < interval)
        return;
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return;
    struct hp_report r;
    hp_report_collect(&r);
    hp_metrics_write(f, &r, srv.start_s);
    hp_report_free(&r);
    if (fclose(f) != 0 || !text) {
        free(text);
        return;
    }
    free(srv.body);
    srv.body = text;
    srv.body_len = len;
    srv.body_at = now;
    srv.have_body = true;
}

static void client_close(struct client *c) {
    int fd = c->fd;
    c->fd = -1; /* before the close: a fork in between closes nothing of the program's */
    c->state = C_FREE;
    if (fd >= 0)
        close(fd);
    free(c->out);
    c->out = NULL;
    c->in_len = c->out_len = c->out_off = 0;
}

/* Sends what is left of c's answer; when it is all sent, closes the
 * writing side and waits (a little) for the client to close its own, so
 * that unread input does not turn the close into a reset that loses the
 * end of the answer. */
static void client_write(struct client *c, uint64_t now) {
    while (c->out_off < c->out_len) {
        ssize_t n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off, MSG_NOSIGNAL);
        if (n > 0) {
            c->out_off += (size_t)n;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        client_close(c);
        return;
    }
    free(c->out);
    c->out = NULL;
    shutdown(c->fd, SHUT_WR);
    c->state = C_DRAINING;
    c->deadline = now + HP_METRICS_LINGER_MS;
}

static void client_answer(struct client *c, uint64_t now, int status, const char *extra,
                          const char *body, size_t body_len) {
    const char *reason = status == 200   ? "OK"
                         : status == 400 ? "Bad Request"
                         : status == 404 ? "Not Found"
                         : status == 405 ? "Method Not Allowed"
                         : status == 431 ? "Request Header Fields Too Large"
                                         : "Service Unavailable";
    const char *type = status == 200 ? "text/plain; version=0.0.4; charset=utf-8"
                                     : "text/plain; charset=utf-8";
    char head[256];
    int hn = snprintf(head, sizeof head,
                      "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                      "Connection: close\r\n%s\r\n",
                      status, reason, type, body_len, extra);
    c->out = malloc((size_t)hn + body_len);
    if (!c->out) {
        client_close(c);
        return;
    }
    memcpy(c->out, head, (size_t)hn);
    memcpy(c->out + hn, body, body_len);
    c->out_len = (size_t)hn + body_len;
    c->out_off = 0;
    c->state = C_WRITING;
    c->deadline = now + HP_METRICS_WRITE_MS;
    client_write(c, now);
}

static void client_error(struct client *c, uint64_t now, int status, const char *msg) {
    client_answer(c, now, status, status == 405 ? "Allow: GET\r\n" : "", msg, strlen(msg));
}

static bool is_tchar(char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
           (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

/* c holds a whole request head: its request line decides the answer. */
static void client_request(struct client *c, uint64_t now) {
    char *line = c->in, *eol = memchr(c->in, '\n', c->in_len);
    *eol = '\0';
    if (eol > line && eol[-1] == '\r')
        eol[-1] = '\0';
    char *sp1 = strchr(line, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    bool ok = sp1 && sp2 && sp1 > line && sp2 > sp1 + 1 && sp1[1] == '/' &&
              (strcmp(sp2 + 1, "HTTP/1.1") == 0 || strcmp(sp2 + 1, "HTTP/1.0") == 0);
    for (char *p = line; ok && p < sp1; p++)
        ok = is_tchar(*p);
    for (char *p = sp1 ? sp1 + 1 : line; ok && p < sp2; p++)
        ok = (unsigned char)*p > 0x20 && *p != 0x7f;
    if (!ok) {
        client_error(c, now, 400, "bad request: hotpath serves GET /metrics over HTTP/1.x\n");
        return;
    }
    *sp1 = *sp2 = '\0';
    char *query = strchr(sp1 + 1, '?');
    if (query)
        *query = '\0';
    if (strcmp(line, "GET") != 0)
        client_error(c, now, 405, "method not allowed: hotpath serves GET /metrics\n");
    else if (strcmp(sp1 + 1, "/metrics") != 0)
        client_error(c, now, 404, "not found: hotpath serves GET /metrics\n");
    else {
        refresh_body(now);
        if (srv.have_body)
            client_answer(c, now, 200, "", srv.body, srv.body_len);
        else
            client_error(c, now, 503, "the figures could not be collected (out of memory)\n");
    }
}

/* The end of a request head (an empty line) in c's input, or NULL. */
static bool head_complete(const struct client *c) {
    for (size_t i = 0; i + 1 < c->in_len; i++)
        if (c->in[i] == '\n' &&
            (c->in[i + 1] == '\n' || (c->in[i + 1] == '\r' && i + 2 < c->in_len && c->in[i + 2] == '\n')))
            return true;
    return false;
}

/* Whether what has come so far can still begin a request line: a method
 * token, then a space. Anything else is answered 400 at once. */
static bool could_be_http(const struct client *c) {
    for (size_t i = 0; i < c->in_len; i++) {
        if (c->in[i] == ' ')
            return i > 0;
        if (!is_tchar(c->in[i]))
            return false;
    }
    return true;
}

static void client_read(struct client *c, uint64_t now) {
    if (c->state == C_DRAINING) {
        char scratch[4096];
        ssize_t n;
        while ((n = recv(c->fd, scratch, sizeof scratch, 0)) > 0) {
        }
        if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR))
            client_close(c);
        return;
    }
    for (;;) {
        ssize_t n = recv(c->fd, c->in + c->in_len, sizeof c->in - 1 - c->in_len, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) { /* closed before a whole request, or an error */
            client_close(c);
            return;
        }
        c->in_len += (size_t)n;
        c->in[c->in_len] = '\0';
        if (!could_be_http(c)) {
            client_error(c, now, 400, "bad request: hotpath serves GET /metrics over HTTP/1.x\n");
            return;
        }
        if (head_complete(c)) {
            client_request(c, now);
            return;
        }
        if (c->in_len == sizeof c->in - 1) {
            client_error(c, now, 431, "request too long: at most 8191 bytes of request line and headers\n");
            return;
        }
    }
}

static void accept_clients(uint64_t now) {
    for (;;) {
        int fd = accept4(srv.listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM)
                srv.accept_pause = now + 100; /* else poll would wake at once, again and again */
            return;
        }
        struct client *c = NULL;
        int active = 0;
        for (int i = 0; i < HP_METRICS_SLOTS; i++) {
            active += srv.c[i].state == C_READING || srv.c[i].state == C_WRITING;
            if (srv.c[i].state == C_FREE && !c)
                c = &srv.c[i];
        }
        if (!c) { /* no room even to say so */
            close(fd);
            continue;
        }
        c->fd = fd;
        c->in_len = 0;
        if (active >= HP_METRICS_CLIENTS) { /* full: told so, closed once it has read that */
            client_error(c, now, 503, "busy: hotpath serves 16 clients at once\n");
            continue;
        }
        c->state = C_READING;
        c->deadline = now + HP_METRICS_READ_MS;
    }
}

static void serve(void) {
    struct pollfd pfd[HP_METRICS_SLOTS + 2];
    int who[HP_METRICS_SLOTS + 2];
    while (!atomic_load(&srv.quit)) {
        uint64_t now = now_ms();
        int n = 0, timeout = -1;
        pfd[n++] = (struct pollfd){srv.wake_r, POLLIN, 0};
        bool listening = now >= srv.accept_pause;
        if (listening)
            pfd[n++] = (struct pollfd){srv.listen_fd, POLLIN, 0};
        else
            timeout = (int)(srv.accept_pause - now);
        for (int i = 0; i < HP_METRICS_SLOTS; i++) {
            struct client *c = &srv.c[i];
            if (c->state == C_FREE)
                continue;
            if (now >= c->deadline) { /* too slow: dropped */
                client_close(c);
                continue;
            }
            int left = (int)(c->deadline - now);
            if (timeout < 0 || left < timeout)
                timeout = left;
            who[n] = i;
            pfd[n++] = (struct pollfd){c->fd, c->state == C_WRITING ? POLLOUT : POLLIN, 0};
        }
        int ready = poll(pfd, (nfds_t)n, timeout);
        if (ready < 0 && errno != EINTR)
            break;
        if (ready <= 0 || atomic_load(&srv.quit))
            continue;
        now = now_ms();
        int first = 1;
        if (listening) {
            if (pfd[1].revents & POLLIN)
                accept_clients(now);
            first = 2;
        }
        for (int k = first; k < n; k++) {
            struct client *c = &srv.c[who[k]];
            if (!pfd[k].revents || c->state == C_FREE)
                continue;
            if (c->state == C_WRITING)
                client_write(c, now);
            else
                client_read(c, now);
        }
    }
}

static void *metrics_thread(void *arg) {
    (void)arg;
    prctl(PR_SET_NAME, "hotpath-metrics", 0, 0, 0);
    hp_busy_enter(); /* for good: nothing here is the program's */
    uselocale(hp_c_locale());
    serve();
    for (int i = 0; i < HP_METRICS_SLOTS; i++)
        client_close(&srv.c[i]);
    return NULL;
}

/* ======================================================================== */
/* Start, exit, fork                                                        */
/* ======================================================================== */

bool hp_metrics_wanted(void) {
    return hp_config.metrics.on && atomic_load(&srv.state) == S_NONE;
}

static int listen_on(const struct hp_metrics_addr *a) {
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t len;
    if (a->family == AF_INET6) {
        struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
        s6->sin6_family = AF_INET6;
        s6->sin6_port = htons(a->port);
        memcpy(&s6->sin6_addr, a->ip, 16);
        len = sizeof *s6;
    } else {
        struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
        s4->sin_family = AF_INET;
        s4->sin_port = htons(a->port);
        memcpy(&s4->sin_addr, a->ip, 4);
        len = sizeof *s4;
    }
    int fd = socket(a->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    /* not SO_REUSEPORT: a second process on the same port is refused */
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (a->family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, HP_METRICS_BACKLOG) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

/* HOTPATH_METRICS's value as a message quotes it. */
static const char *given(char *buf, size_t size) {
    const char *v = getenv("HOTPATH_METRICS");
    return hp_printable(v ? v : hp_config.metrics.text, 60, buf, size);
}

static void start_failed(const char *what) {
    char q[256];
    const char *why = strerror(errno);
    fprintf(stderr,
            "hotpath: HOTPATH_METRICS=\"%s\": %s %s: %s; expected a free port on an address of "
            "this machine; continuing without the endpoint\n",
            given(q, sizeof q), what, hp_config.metrics.text, why);
}

void hp_metrics_start(void) {
    int none = S_NONE;
    if (!hp_config.metrics.on || !atomic_compare_exchange_strong(&srv.state, &none, S_DONE))
        return;
    hp_busy_enter();
    const struct hp_metrics_addr *a = &hp_config.metrics;
    int pipefd[2] = {-1, -1};
    for (int i = 0; i < HP_METRICS_SLOTS; i++)
        srv.c[i].fd = -1;
    srv.listen_fd = listen_on(a);
    if (srv.listen_fd < 0) {
        start_failed("cannot listen on");
        hp_busy_leave();
        return;
    }
    if (pipe2(pipefd, O_CLOEXEC | O_NONBLOCK) != 0) {
        start_failed("cannot make a pipe for");
        close(srv.listen_fd);
        srv.listen_fd = -1;
        hp_busy_leave();
        return;
    }
    srv.wake_r = pipefd[0];
    srv.wake_w = pipefd[1];
    srv.start_s = process_start();
    if (!a->loopback) {
        char q[256];
        fprintf(stderr,
                "hotpath: HOTPATH_METRICS=\"%s\": listening on %s, which is not a loopback "
                "address: anyone who can reach it can read this program's figures\n",
                given(q, sizeof q), a->text);
    }
    int rc = hp_runtime_thread(metrics_thread); /* signals.c */
    if (rc == 0)
        atomic_store(&srv.state, S_RUNNING);
    else {
        errno = rc;
        start_failed("cannot start the thread of");
        close(srv.listen_fd);
        srv.listen_fd = -1;
    }
    hp_busy_leave();
}

void hp_metrics_exit(void) {
    if (atomic_load(&srv.state) != S_RUNNING)
        return;
    atomic_store(&srv.quit, true);
    char b = 1;
    if (write(srv.wake_w, &b, 1) < 0) {
        /* the pipe is full: the thread is awake already */
    }
}

void hp_metrics_fork_child(void) {
    /* The child has no endpoint: its parent keeps the port. Its copies of
     * the parent's sockets are closed, so that none outlives the parent
     * (a listening socket nobody accepts on would leave scrapes hanging). */
    bool running = atomic_exchange(&srv.state, S_DONE) == S_RUNNING;
    if (!running)
        return;
    int fds[3] = {srv.listen_fd, srv.wake_r, srv.wake_w};
    for (int i = 0; i < 3; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    srv.listen_fd = srv.wake_r = srv.wake_w = -1;
    for (int i = 0; i < HP_METRICS_SLOTS; i++) {
        int fd = srv.c[i].fd;
        if (fd >= 0)
            close(fd);
        srv.c[i].fd = -1; /* its memory is not freed: free() is not async-signal-safe */
        srv.c[i].state = C_FREE;
        srv.c[i].out = NULL;
    }
}
