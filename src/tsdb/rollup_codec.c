/*
 * rollup_codec.c — the blob of a rollup record (its format: rollup.c's header comment).
 * rl_encode writes version 2 (version 1 when a bucket breaks what version 2 assumes, which the
 * engine never makes); rl_decode_level reads both versions.
 *
 * Version 2's doubles reuse the decimal idea of the chunks (chunk_float.c): a value is the
 * integer mantissa m at the record's exponent e, decoded with the arithmetic of the chunks'
 * decimal_value, plus a residual (the difference of the bit patterns) for the values that are not
 * exactly m / 10^e — so every bit pattern (NaN, -0.0, ±inf) round-trips, and sensor data (a few
 * decimals) costs its mantissa deltas alone. Sums are rarely exact decimals: they carry a residual
 * of a few ulps.
 *
 * The decoder touches a byte only after checking it lies inside the blob, and computes times
 * only from bounded numbers (no overflow): every start lies within about RL_TMIN..RL_TMAX, every
 * first/last time inside its bucket.
 */
#include "tsdb/chunk_int.h"
#include "tsdb/rollup_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define V2_RAW 0xff    /* the exponent byte: the doubles as 8 little-endian bytes each */
#define V2_MIN_ENTRY 9 /* the fewest bytes of a version 2 bucket */
#define TDIV_MAX 9     /* time offsets in units of 10^0 .. 10^9 ns */
#define D62 (INT64_C(1) << 62)

static const uint64_t p10u[TDIV_MAX + 1] = {1,      10,      100,      1000,      10000,
                                            100000, 1000000, 10000000, 100000000, 1000000000};

static const double p10d[DECIMAL_EXP_MAX + 1] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,
                                                 1e7,  1e8,  1e9,  1e10, 1e11, 1e12, 1e13,
                                                 1e14, 1e15, 1e16, 1e17, 1e18};

/* m / 10^e, e in 0..DECIMAL_EXP_MAX: chunk_float.c's decimal_value, inline (a dashboard query
 * decodes thousands of buckets); encoder and decoder both use this one. */
static inline double dec_val(int64_t m, int e)
{
    return (double)m / p10d[e];
}

/* What rl_encode writes (tests set 1 to make old files). */
static int rl_write_version = ROLL_VERSION;

void rl_set_write_version(int v)
{
    rl_write_version = v == 1 ? 1 : ROLL_VERSION;
}

static uint64_t dbits(double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    return u;
}

static double dval(uint64_t u)
{
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/* The bucket-start bounds of level width w: every start the engine makes lies inside. */
static int64_t kmin_of(int64_t w)
{
    return RL_TMIN / w - 2;
}

static int64_t kmax_of(int64_t w)
{
    return RL_TMAX / w + 1;
}

/* ---- encoding ---- */

static int encode_v1(const struct rl_entry *const *lv, const size_t *n, struct ioc_buf *b)
{
    unsigned char h[4] = {1, DB_RL_LEVELS, 0, 0};
    int rc = ioc_buf_append(b, h, sizeof h);
    for (int l = 0; l < DB_RL_LEVELS && rc == 0; l++) {
        unsigned char c4[4];
        ioc_le32_put(c4, (uint32_t)n[l]);
        rc = ioc_buf_append(b, c4, 4);
        for (size_t i = 0; i < n[l] && rc == 0; i++) {
            const struct rl_entry *e = &lv[l][i];
            unsigned char x[ROLL_ENTRY];
            double d[5] = {e->b.sum, e->b.min, e->b.max, e->b.first, e->b.last};
            ioc_le64_put(x, (uint64_t)e->start);
            ioc_le64_put(x + 8, (uint64_t)e->b.count);
            for (int k = 0; k < 5; k++)
                ioc_le64_put(x + 16 + 8 * k, dbits(d[k]));
            ioc_le64_put(x + 56, (uint64_t)e->b.first_t);
            ioc_le64_put(x + 64, (uint64_t)e->b.last_t);
            rc = ioc_buf_append(b, x, sizeof x);
        }
    }
    return rc;
}

/* 1 when the buckets fit version 2: starts multiples of the width, in bounds and ascending,
 * counts positive, first and last times inside their bucket and in order. */
static int fits_v2(const struct rl_entry *const *lv, const size_t *n)
{
    for (int l = 0; l < DB_RL_LEVELS; l++) {
        int64_t w = rl_width(l);
        for (size_t i = 0; i < n[l]; i++) {
            const struct rl_entry *e = &lv[l][i];
            int64_t k = e->start / w;
            if (e->start % w || k < kmin_of(w) || k > kmax_of(w) || e->b.count <= 0 ||
                (i && e->start <= lv[l][i - 1].start) || e->b.first_t < e->start ||
                e->b.last_t < e->b.first_t ||
                (uint64_t)e->b.last_t - (uint64_t)e->start >= (uint64_t)w)
                return 0;
        }
    }
    return 1;
}

/* The integer nearest v * 10^e, 0 when that is not a finite number below 2^62. */
static int64_t nearest(double v, int e)
{
    double s = v * p10d[e];
    if (!(fabs(s) < 0x1p62))
        return 0;
    return (int64_t)(s < 0 ? s - 0.5 : s + 0.5);
}

static int exact(double v, int e)
{
    return dbits(dec_val(nearest(v, e), e)) == dbits(v);
}

/* 1 when every min, max, first and last is an exact decimal at exponent e. */
static int all_exact(const struct rl_entry *const *lv, const size_t *n, int e)
{
    for (int l = 0; l < DB_RL_LEVELS; l++)
        for (size_t i = 0; i < n[l]; i++) {
            const struct tsdb_bucket *b = &lv[l][i].b;
            if (!exact(b->min, e) || !exact(b->max, e) || !exact(b->first, e) || !exact(b->last, e))
                return 0;
        }
    return 1;
}

/* The greatest power of ten (ns) dividing every time offset of the record. */
static int pick_tdiv(const struct rl_entry *const *lv, const size_t *n)
{
    int k = TDIV_MAX;
    for (int l = 0; l < DB_RL_LEVELS; l++)
        for (size_t i = 0; i < n[l] && k > 0; i++) {
            const struct rl_entry *e = &lv[l][i];
            uint64_t a = (uint64_t)e->b.first_t - (uint64_t)e->start;
            uint64_t b = (uint64_t)e->start + (uint64_t)rl_width(l) - (uint64_t)e->b.last_t;
            while (k > 0 && (a % p10u[k] || b % p10u[k]))
                k--;
        }
    return k;
}

/* One double as its mantissa's difference from pred (zigzag, shifted, bit 0: a residual
 * follows) and the residual; *m: the mantissa used. */
static void put_val(struct bw *w, double v, uint64_t pred, int e, uint64_t *m)
{
    int64_t mm = nearest(v, e);
    uint64_t d = (uint64_t)mm - pred;
    if ((int64_t)d < -D62 || (int64_t)d >= D62) { /* far from the prediction: all in residual */
        d = 0;
        mm = (int64_t)pred;
    }
    uint64_t r = dbits(v) - dbits(dec_val(mm, e));
    bw_varint(w, zz_enc(d) << 1 | (r != 0));
    if (r)
        bw_varint(w, zz_enc(r));
    *m = (uint64_t)mm;
}

static uint64_t sum_pred(uint64_t count, uint64_t mn, uint64_t mx)
{
    return count * mn + ((count * (mx - mn)) >> 1);
}

/* The buckets of one level, version 2. */
static void encode_level(struct bw *w, const struct rl_entry *e, size_t n, int l, int tdiv,
                         int vexp)
{
    int64_t wd = rl_width(l), kprev = 0;
    uint64_t div = p10u[tdiv], mlast = 0;
    for (size_t i = 0; i < n; i++, e++) {
        int64_t k = e->start / wd;
        bw_varint(w, i ? (uint64_t)(k - kprev - 1) : zz_enc((uint64_t)k));
        kprev = k;
        bw_varint(w, (uint64_t)e->b.count - 1);
        bw_varint(w, ((uint64_t)e->b.first_t - (uint64_t)e->start) / div);
        bw_varint(w, ((uint64_t)e->start + (uint64_t)wd - (uint64_t)e->b.last_t) / div);
        if (vexp == V2_RAW) {
            double d[5] = {e->b.first, e->b.min, e->b.max, e->b.last, e->b.sum};
            for (int j = 0; j < 5; j++) {
                unsigned char x[8];
                ioc_le64_put(x, dbits(d[j]));
                bw_bytes(w, x, 8);
            }
            continue;
        }
        uint64_t mf, mn, mx, ms;
        put_val(w, e->b.first, mlast, vexp, &mf);
        put_val(w, e->b.min, mf, vexp, &mn);
        put_val(w, e->b.max, mf, vexp, &mx);
        put_val(w, e->b.last, mf, vexp, &mlast);
        put_val(w, e->b.sum, sum_pred((uint64_t)e->b.count, mn, mx), vexp, &ms);
    }
}

/* The bytes of both levels' buckets at exponent vexp (w: scratch). */
static size_t size_at(const struct rl_entry *const *lv, const size_t *n, int tdiv, int vexp,
                      struct bw *w)
{
    w->len = 0;
    for (int l = 0; l < DB_RL_LEVELS; l++)
        encode_level(w, lv[l], n[l], l, tdiv, vexp);
    return w->err ? SIZE_MAX : w->len;
}

/* The record's exponent: the one giving the fewest bytes among raw doubles and the exponents up
 * to the first at which every min, max, first and last is exact (a greater one only makes the
 * mantissas longer). */
static int pick_exp(const struct rl_entry *const *lv, const size_t *n, int tdiv)
{
    struct bw w = {0};
    int best = V2_RAW;
    size_t bestlen = size_at(lv, n, tdiv, V2_RAW, &w);
    for (int e = 0; e <= DECIMAL_EXP_MAX; e++) {
        size_t len = size_at(lv, n, tdiv, e, &w);
        if (len < bestlen) {
            bestlen = len;
            best = e;
        }
        if (all_exact(lv, n, e))
            break;
    }
    bw_free(&w);
    return best;
}

int rl_encode(const struct rl_entry *const *lv, const size_t *n, struct ioc_buf *b)
{
    if (rl_write_version == 1 || !fits_v2(lv, n))
        return encode_v1(lv, n, b);
    int tdiv = pick_tdiv(lv, n), vexp = pick_exp(lv, n, tdiv);
    unsigned char h[4] = {2, DB_RL_LEVELS, (unsigned char)tdiv, (unsigned char)vexp};
    int rc = ioc_buf_append(b, h, sizeof h);
    struct bw w = {0};
    for (int l = 0; l < DB_RL_LEVELS && rc == 0; l++) {
        struct bw hd = {0};
        w.len = 0;
        encode_level(&w, lv[l], n[l], l, tdiv, vexp);
        bw_varint(&hd, n[l]);
        bw_varint(&hd, w.len);
        rc = w.err || hd.err ? IOC_ENOMEM : 0;
        if (rc == 0)
            rc = ioc_buf_append(b, hd.p, hd.len);
        if (rc == 0 && w.len)
            rc = ioc_buf_append(b, w.p, w.len);
        bw_free(&hd);
    }
    bw_free(&w);
    return rc;
}

/* ---- decoding ---- */

static int decode_v1(const unsigned char *p, size_t len, int l, struct rl_entry **e, size_t *n)
{
    size_t at = 4;
    for (int k = 0; k < DB_RL_LEVELS; k++) {
        if (len - at < 4)
            return IOC_EINVAL;
        uint32_t cnt = ioc_le32_get(p + at);
        at += 4;
        if (cnt > ROLL_MAX || (len - at) / ROLL_ENTRY < cnt)
            return IOC_EINVAL;
        if (k != l) {
            at += (size_t)cnt * ROLL_ENTRY;
            continue;
        }
        struct rl_entry *out = cnt ? calloc(cnt, sizeof *out) : NULL;
        if (cnt && !out)
            return IOC_ENOMEM;
        for (uint32_t i = 0; i < cnt; i++, at += ROLL_ENTRY) {
            const unsigned char *x = p + at;
            struct rl_entry *r = &out[i];
            r->start = (int64_t)ioc_le64_get(x);
            r->b =
                (struct tsdb_bucket){(int64_t)ioc_le64_get(x + 8),  dval(ioc_le64_get(x + 16)),
                                     dval(ioc_le64_get(x + 24)),    dval(ioc_le64_get(x + 32)),
                                     dval(ioc_le64_get(x + 40)),    dval(ioc_le64_get(x + 48)),
                                     (int64_t)ioc_le64_get(x + 56), (int64_t)ioc_le64_get(x + 64)};
            if (r->b.count <= 0 || (i && r->start <= out[i - 1].start)) {
                free(out);
                return IOC_EINVAL;
            }
        }
        *e = out;
        *n = cnt;
        return 0;
    }
    return IOC_EINVAL;
}

/* A varint at p[*at..len) (at: the caller's local, kept in a register once this is inlined). */
static inline int vget(const unsigned char *p, size_t len, size_t *at, uint64_t *out)
{
    size_t i = *at;
    if (len - i >= 3) { /* the usual cases, up to 3 bytes (a sum's mantissa delta) */
        if (p[i] < 0x80) {
            *out = p[i];
            *at = i + 1;
            return 0;
        }
        if (p[i + 1] < 0x80) {
            *out = (uint64_t)(p[i] & 0x7f) | (uint64_t)p[i + 1] << 7;
            *at = i + 2;
            return 0;
        }
        if (p[i + 2] < 0x80) {
            *out = (uint64_t)(p[i] & 0x7f) | (uint64_t)(p[i + 1] & 0x7f) << 7 |
                   (uint64_t)p[i + 2] << 14;
            *at = i + 3;
            return 0;
        }
    }
    int rc = varint_get(p, len, &i, out);
    *at = i;
    return rc;
}

/* One double: its mantissa *m (pred + the difference read) and its value *v. */
static inline int get_val(const unsigned char *p, size_t len, size_t *at, uint64_t pred, int vexp,
                          uint64_t *m, double *v)
{
    uint64_t x, res = 0;
    if (vget(p, len, at, &x) != 0 || ((x & 1) && vget(p, len, at, &res) != 0))
        return IOC_EINVAL;
    *m = pred + zz_dec(x >> 1);
    *v = dval(dbits(dec_val((int64_t)*m, vexp)) + zz_dec(res));
    return 0;
}

/* The five doubles of a bucket of count points; *mlast: the previous bucket's last mantissa. */
static inline int get_values(const unsigned char *p, size_t len, size_t *at, int vexp,
                             uint64_t count, uint64_t *mlast, struct tsdb_bucket *b)
{
    if (vexp == V2_RAW) {
        if (len - *at < 40)
            return IOC_EINVAL;
        const unsigned char *x = p + *at;
        *at += 40;
        b->first = dval(ioc_le64_get(x));
        b->min = dval(ioc_le64_get(x + 8));
        b->max = dval(ioc_le64_get(x + 16));
        b->last = dval(ioc_le64_get(x + 24));
        b->sum = dval(ioc_le64_get(x + 32));
        return 0;
    }
    size_t i = *at;
    uint64_t mf, mn, mx;
    if (get_val(p, len, &i, *mlast, vexp, &mf, &b->first) != 0 ||
        get_val(p, len, &i, mf, vexp, &mn, &b->min) != 0 ||
        get_val(p, len, &i, mf, vexp, &mx, &b->max) != 0 ||
        get_val(p, len, &i, mf, vexp, mlast, &b->last) != 0 ||
        get_val(p, len, &i, sum_pred(count, mn, mx), vexp, &mf, &b->sum) != 0)
        return IOC_EINVAL;
    *at = i;
    return 0;
}

/* The n buckets of level l, all of p[0..len), into out. */
static int decode_level_v2(const unsigned char *p, size_t len, int l, int tdiv, int vexp,
                           struct rl_entry *out, size_t n)
{
    int64_t wd = rl_width(l), kmin = kmin_of(wd), kmax = kmax_of(wd), k = 0;
    uint64_t div = p10u[tdiv], amax = (uint64_t)(wd - 1) / div, bmax = (uint64_t)wd / div;
    uint64_t mlast = 0;
    size_t at = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t x, c, a, b;
        if (vget(p, len, &at, &x) != 0 || vget(p, len, &at, &c) != 0 ||
            vget(p, len, &at, &a) != 0 || vget(p, len, &at, &b) != 0)
            return IOC_EINVAL;
        if (i == 0) {
            k = (int64_t)zz_dec(x);
            if (k < kmin || k > kmax)
                return IOC_EINVAL;
        } else {
            if (k >= kmax || x > (uint64_t)(kmax - k - 1))
                return IOC_EINVAL;
            k += (int64_t)x + 1;
        }
        if (c >= (uint64_t)INT64_MAX || a > amax || b == 0 || b > bmax)
            return IOC_EINVAL;
        int64_t start = k * wd;
        struct tsdb_bucket bk;
        bk.count = (int64_t)c + 1;
        bk.first_t = start + (int64_t)(a * div);
        bk.last_t = start + wd - (int64_t)(b * div);
        if (get_values(p, len, &at, vexp, c + 1, &mlast, &bk) != 0)
            return IOC_EINVAL;
        out[i].start = start;
        out[i].b = bk;
    }
    return at == len ? 0 : IOC_EINVAL;
}

static int decode_v2(const unsigned char *p, size_t len, int l, struct rl_entry **e, size_t *n)
{
    int tdiv = p[2], vexp = p[3];
    if (tdiv > TDIV_MAX || (vexp > DECIMAL_EXP_MAX && vexp != V2_RAW))
        return IOC_EINVAL;
    size_t at = 4, from = 0, blen = 0;
    uint64_t cnt = 0;
    for (int k = 0; k < DB_RL_LEVELS; k++) {
        uint64_t c, bl;
        if (vget(p, len, &at, &c) != 0 || vget(p, len, &at, &bl) != 0 || c > ROLL_MAX ||
            bl > len - at || c * V2_MIN_ENTRY > bl)
            return IOC_EINVAL;
        if (k == l) {
            cnt = c;
            from = at;
            blen = (size_t)bl;
        }
        at += (size_t)bl;
    }
    if (at != len)
        return IOC_EINVAL;
    struct rl_entry *out = cnt ? calloc((size_t)cnt, sizeof *out) : NULL;
    if (cnt && !out)
        return IOC_ENOMEM;
    if (decode_level_v2(p + from, blen, l, tdiv, vexp, out, (size_t)cnt) != 0) {
        free(out);
        return IOC_EINVAL;
    }
    *e = out;
    *n = (size_t)cnt;
    return 0;
}

int rl_decode_level(const unsigned char *p, size_t len, int l, struct rl_entry **e, size_t *n)
{
    *e = NULL;
    *n = 0;
    if (len < 4 || p[1] != DB_RL_LEVELS || l < 0 || l >= DB_RL_LEVELS)
        return IOC_EINVAL;
    if (p[0] == 1)
        return decode_v1(p, len, l, e, n);
    if (p[0] == 2)
        return decode_v2(p, len, l, e, n);
    return IOC_EINVAL;
}
