/*
 * metrics_addr.c — HOTPATH_METRICS's value: [ADDRESS]:PORT, numeric only
 * (no name lookup in the runtime), loopback unless an address is given.
 * Apart from metrics.c so that the fuzz target of config.c's parsers
 * (tests/fuzz) takes it without the server.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "metrics.h"

static bool parse_port(const char *s, uint16_t *out) {
    unsigned long n = 0;
    if (!*s || strlen(s) > 5)
        return false;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        n = n * 10 + (unsigned long)(*p - '0');
    }
    if (n < 1 || n > 65535)
        return false;
    *out = (uint16_t)n;
    return true;
}

const char *hp_metrics_parse(const char *v, struct hp_metrics_addr *out) {
    struct hp_metrics_addr a;
    memset(&a, 0, sizeof a);
    if (*v == '\0') {
        *out = a; /* off */
        return NULL;
    }
    char host[64] = "";
    const char *port = v;
    const char *colon = strrchr(v, ':');
    if (v[0] == '[') { /* [IPv6]:PORT */
        const char *close = strchr(v, ']');
        if (!close || close[1] != ':')
            return " (an IPv6 address is written in brackets and followed by :PORT, e.g. [::1]:9464)";
        if ((size_t)(close - v - 1) >= sizeof host)
            return " (not an IPv6 address)";
        memcpy(host, v + 1, (size_t)(close - v - 1));
        port = close + 2;
        a.family = AF_INET6;
    } else if (colon) {
        if ((size_t)(colon - v) >= sizeof host)
            return " (not a numeric IPv4 address)";
        memcpy(host, v, (size_t)(colon - v));
        port = colon + 1;
        a.family = AF_INET;
    } else
        a.family = AF_INET;
    if (!parse_port(port, &a.port))
        return " (the port is not a whole number from 1 to 65535)";
    if (a.family == AF_INET6) {
        if (inet_pton(AF_INET6, host, a.ip) != 1)
            return " (not an IPv6 address)";
        static const unsigned char v6_loopback[16] = {[15] = 1};
        a.loopback = memcmp(a.ip, v6_loopback, 16) == 0;
        char text[INET6_ADDRSTRLEN];
        inet_ntop(AF_INET6, a.ip, text, sizeof text);
        snprintf(a.text, sizeof a.text, "[%s]:%u", text, (unsigned)a.port);
    } else {
        if (host[0] == '\0' || strcmp(host, "localhost") == 0)
            strcpy(host, "127.0.0.1"); /* PORT or :PORT: loopback */
        struct in_addr in;
        if (strchr(host, ':') || inet_pton(AF_INET, host, &in) != 1)
            return " (not a numeric IPv4 address; write an IPv6 one in brackets, e.g. [::1]:9464)";
        memcpy(a.ip, &in, 4);
        a.loopback = a.ip[0] == 127;
        snprintf(a.text, sizeof a.text, "%.15s:%u", host, (unsigned)a.port); /* inet_pton took it: at most 15 */
    }
    a.on = true;
    *out = a;
    return NULL;
}

