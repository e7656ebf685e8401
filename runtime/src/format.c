/*
 * format.c — units and text width for the report.
 *
 * Numbers are written with integer arithmetic, never through printf's %f:
 * that consults the locale, and a program that calls setlocale(LC_ALL, "")
 * under de_DE.UTF-8 would get "8,46ms" in its table and "1,8114" in its
 * JSON. Rounding is half up on the exact value.
 */
#define _GNU_SOURCE
#include <locale.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

/* hundredths "h" as "I.FF" followed by unit */
static const char *hundredths(unsigned long long h, const char *unit, char *buf) {
    snprintf(buf, 32, "%llu.%02llu%s", h / 100, h % 100, unit);
    return buf;
}

const char *hp_format_duration(uint64_t ns, char *buf) {
    if (ns < 1000u)
        snprintf(buf, 32, "%lluns", (unsigned long long)ns);
    else if (ns < 999995u) /* would round to "1000.00µs" */
        hundredths((ns + 5) / 10, "µs", buf);
    else if (ns < 999995000u)
        hundredths((ns + 5000) / 10000, "ms", buf);
    else
        hundredths(((unsigned __int128)ns + 5000000) / 10000000, "s", buf);
    return buf;
}

size_t hp_utf8_len(const char *str) {
    const unsigned char *s = (const unsigned char *)str;
    unsigned c = s[0];
    size_t n;
    unsigned lo = 0x80, hi = 0xBF; /* the range of the second byte */
    if (c < 0x80)
        return 1;
    if (c < 0xC2)
        return 0; /* continuation byte, or overlong two-byte form */
    if (c < 0xE0)
        n = 2;
    else if (c < 0xF0) {
        n = 3;
        lo = c == 0xE0 ? 0xA0 : 0x80; /* overlong */
        hi = c == 0xED ? 0x9F : 0xBF; /* surrogates */
    } else if (c < 0xF5) {
        n = 4;
        lo = c == 0xF0 ? 0x90 : 0x80; /* overlong */
        hi = c == 0xF4 ? 0x8F : 0xBF; /* above U+10FFFF */
    } else
        return 0;
    if (s[1] < lo || s[1] > hi)
        return 0;
    for (size_t i = 2; i < n; i++)
        if ((s[i] & 0xC0u) != 0x80u)
            return 0;
    return n;
}

size_t hp_display_width(const char *s) {
    size_t w = 0;
    while (*s) {
        size_t n = hp_utf8_len(s);
        s += n ? n : 1;
        w++;
    }
    return w;
}

void hp_put_utf8(FILE *out, const char *s) {
    while (*s) {
        size_t n = hp_utf8_len(s);
        if (n) {
            fwrite(s, 1, n, out);
            s += n;
        } else {
            unsigned char c = (unsigned char)*s++;
            fputc(0xC0 | (c >> 6), out);
            fputc(0x80 | (c & 0x3F), out);
        }
    }
}

const char *hp_format_bytes(uint64_t b, char *buf) {
    static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
    if (b < 1024) {
        snprintf(buf, 32, "%lluB", (unsigned long long)b);
        return buf;
    }
    int u = 0;
    unsigned __int128 div = 1024, h;
    /* the next unit when this one would print as "1024.00" */
    while ((h = ((unsigned __int128)b * 100 + div / 2) / div) >= 102400 && u < 3) {
        div *= 1024;
        u++;
    }
    return hundredths((unsigned long long)h, units[u], buf);
}

char *hp_put_u64_width(char *p, uint64_t v, int width) {
    char b[24];
    int i = sizeof b;
    do
        b[--i] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    while ((int)sizeof b - i < width && i > 0)
        b[--i] = '0';
    memcpy(p, b + i, sizeof b - (size_t)i);
    return p + (sizeof b - (size_t)i);
}

char *hp_put_u64(char *p, uint64_t v) { return hp_put_u64_width(p, v, 1); }

void hp_copy_str(char *dst, size_t size, const char *s) {
    if (size == 0)
        return;
    size_t n = 0;
    for (; n + 1 < size && s[n]; n++)
        dst[n] = s[n];
    dst[n] = '\0';
}

const char *hp_format_fixed(double v, int decimals, char *buf) {
    unsigned long long scale = 1;
    decimals = decimals < 0 ? 0 : decimals > 9 ? 9 : decimals;
    for (int i = 0; i < decimals; i++)
        scale *= 10;
    double a = v < 0 ? -v : v;
    if (!(a < 1e15)) { /* not finite, or too large for the integer below */
        strcpy(buf, a == a ? "1e15" : "0");
        return buf;
    }
    unsigned long long x = (unsigned long long)(a * (double)scale + 0.5);
    char tmp[64], *p = tmp; /* at most 1 + 16 + 1 + 9 bytes */
    if (v < 0)
        *p++ = '-';
    p = hp_put_u64(p, x / scale);
    if (decimals > 0) {
        *p++ = '.';
        p = hp_put_u64_width(p, x % scale, decimals);
    }
    *p = '\0';
    hp_copy_str(buf, 32, tmp);
    return buf;
}

/* The fallback, in the C locale (a '.' whatever the program's). Its own
 * newlocale, not config.c's hp_c_locale: the CLI links this file alone. */
static const char *g17_printf(double v, char *buf) {
    static _Atomic(locale_t) c;
    locale_t l = atomic_load(&c);
    if (!l) {
        l = newlocale(LC_ALL_MASK, "C", (locale_t)0); /* glibc: its static C locale */
        atomic_store(&c, l);
    }
    locale_t old = l ? uselocale(l) : (locale_t)0;
    snprintf(buf, 32, "%.17g", v);
    if (l)
        uselocale(old);
    return buf;
}

/*
 * printf's "%.17g", by exact integer arithmetic for a positive normal v
 * from 1e-5 to 1e5 (ns_per_tick, which every JSON report holds), through
 * snprintf otherwise. v = m * 2^e exactly; its 17 significant digits are
 * m * 10^k / 2^-e rounded half to even (what glibc's printf does, in the
 * default rounding mode), k chosen so that they are 17: m < 2^53 and
 * 10^k <= 10^21 < 2^70, so the product fits in 128 bits. Then %g's
 * layout: fixed for a decimal exponent from -4 to 16, else d.ddde-XX;
 * trailing zeros and a trailing point dropped.
 */
const char *hp_format_g17(double v, char *buf) {
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    int bexp = (int)((bits >> 52) & 0x7ff);
    if ((bits >> 63) || bexp == 0 || bexp == 0x7ff || !(v >= 1e-5 && v < 1e5))
        return g17_printf(v, buf);
    unsigned __int128 m = (bits & ((UINT64_C(1) << 52) - 1)) | (UINT64_C(1) << 52);
    int shift = 1075 - bexp; /* v = m / 2^shift; from 36 to 70 here */
    const uint64_t lo = UINT64_C(10000000000000000), hi = UINT64_C(100000000000000000);
    int k = 16;
    for (double t = 10; t <= v && k > 12; t *= 10)
        k--;
    for (double t = 1; t > v && k < 21; t /= 10)
        k++;
    uint64_t q = 0;
    for (int tries = 0; tries < 4; tries++) {
        unsigned __int128 p10 = 1;
        for (int i = 0; i < k; i++)
            p10 *= 10;
        unsigned __int128 prod = m * p10, whole = prod >> shift;
        unsigned __int128 rem = prod - (whole << shift), half = (unsigned __int128)1 << (shift - 1);
        if (whole >= hi && k > 0) {
            k--;
            continue;
        }
        if (whole < lo) {
            k++;
            continue;
        }
        q = (uint64_t)whole;
        if (rem > half || (rem == half && (q & 1)))
            q++;
        if (q == hi) { /* 99...95 rounded up: the next power of ten */
            q = lo;
            k--;
        }
        break;
    }
    if (q == 0)
        return g17_printf(v, buf);
    char d[17];
    for (int i = 16; i >= 0; i--, q /= 10)
        d[i] = (char)('0' + q % 10);
    int nd = 17;
    while (nd > 1 && d[nd - 1] == '0')
        nd--;
    int x = 16 - k; /* v = d[0].d[1]... * 10^x */
    char *p = buf;
    if (x < -4 || x >= 17) {
        *p++ = d[0];
        if (nd > 1) {
            *p++ = '.';
            memcpy(p, d + 1, (size_t)nd - 1);
            p += nd - 1;
        }
        *p++ = 'e';
        *p++ = x < 0 ? '-' : '+';
        p = hp_put_u64_width(p, (uint64_t)(x < 0 ? -x : x), 2);
    } else if (x >= 0) {
        for (int i = 0; i <= x; i++)
            *p++ = i < nd ? d[i] : '0';
        if (nd > x + 1) {
            *p++ = '.';
            memcpy(p, d + x + 1, (size_t)(nd - x - 1));
            p += nd - x - 1;
        }
    } else {
        *p++ = '0';
        *p++ = '.';
        for (int i = 0; i < -x - 1; i++)
            *p++ = '0';
        memcpy(p, d, (size_t)nd);
        p += nd;
    }
    *p = '\0';
    return buf;
}

const char *hp_printable(const char *s, size_t max, char *buf, size_t size) {
    size_t n = 0, i = 0;
    if (size == 0)
        return buf;
    for (; s[i] && i < max && n + 8 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '\n' || c == '\t' || c == '\r')
            n += (size_t)snprintf(buf + n, size - n, "\\%c", c == '\n' ? 'n' : c == '\t' ? 't' : 'r');
        else if (c < 0x20 || c == 0x7f)
            n += (size_t)snprintf(buf + n, size - n, "\\x%02x", c);
        else
            buf[n++] = (char)c;
    }
    snprintf(buf + n, size - n, "%s", s[i] ? "..." : "");
    return buf;
}
