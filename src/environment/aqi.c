/*
 * aqi.c — VN_AQI as Decision 1459/QĐ-TCMT prescribes (docs/environment.md "VN_AQI",
 * tests/data/vn_aqi.md): the sub-index of Table 2, the NowCast of PM2.5 and PM10, the hourly
 * and the daily index, the classes of Table 1. Pure: no I/O, no allocation, no state.
 *
 * Exactness. A sub-index is a linear interpolation rounded half up; done in binary floating
 * point, 109.5 can come out as 109.49999… and round down. So the concentration is first
 * quantised to an integer number of micro-units (llround(c * 1e6): exact for any input written
 * with up to 6 decimals, and it removes the binary noise of a NowCast or a mean), then the
 * interpolation and the rounding are done in int64:
 *     I = I_i + floor((2·ΔI·(C − BP_i) + ΔBP) / (2·ΔBP))      (all in micro-units)
 * which is I_i + ΔI·(C − BP_i)/ΔBP rounded half up. The largest product, 2·100·(150000 − 120000)
 * ·1e6 = 6e12, is far inside int64.
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "base/base.h"
#include "environment/environment.h"

/* ---- names ------------------------------------------------------------------------------ */

static const char *const pollutant_names[AQI_NPOLL] = {"pm25", "pm10", "no2", "so2", "co", "o3"};

const char *aqi_pollutant_name(enum aqi_pollutant p)
{
    return (unsigned)p < AQI_NPOLL ? pollutant_names[p] : "";
}

int aqi_pollutant_of(const char *s)
{
    if (!s)
        return -1;
    for (int i = 0; i < AQI_NPOLL; i++)
        if (strcmp(s, pollutant_names[i]) == 0)
            return i;
    return -1;
}

const char *aqi_reason_name(enum aqi_reason r)
{
    switch (r) {
    case AQI_OK:
        return "ok";
    case AQI_NO_PM:
        return "no_pm";
    case AQI_NOWCAST_SHORT:
        return "nowcast_short";
    case AQI_DAY_SHORT:
        return "day_short";
    }
    return "";
}

/* ---- Table 1: classes ------------------------------------------------------------------- */

int aqi_class(int aqi)
{
    if (aqi < 0)
        return 0;
    if (aqi <= 50)
        return 1;
    if (aqi <= 100)
        return 2;
    if (aqi <= 150)
        return 3;
    if (aqi <= 200)
        return 4;
    if (aqi <= 300)
        return 5;
    return 6;
}

static const struct {
    const char *vi, *en, *colour, *advice_vi, *advice_en;
} classes[6] = {
    {"Tốt", "Good", "#00e400",
     "Không khí tốt: mọi người, kể cả nhóm nhạy cảm, tự do hoạt động ngoài trời.",
     "Air quality is good: everyone, sensitive groups included, may be active outdoors."},
    {"Trung bình", "Moderate", "#ffff00",
     "Mọi người vẫn hoạt động ngoài trời bình thường. Nhóm nhạy cảm nên theo dõi các triệu "
     "chứng như ho hoặc khó thở.",
     "Everyone may be active outdoors. Sensitive groups should watch for symptoms such as "
     "coughing or shortness of breath."},
    {"Kém", "Poor", "#ff7e00",
     "Ai đau mắt, ho hoặc đau họng nên giảm hoạt động ngoài trời. Nhóm nhạy cảm nên giảm "
     "hoạt động mạnh và thời gian ở ngoài trời.",
     "People with sore eyes, a cough or a sore throat should cut down outdoor activity. Sensitive "
     "groups should reduce strenuous activity and time spent outdoors."},
    {"Xấu", "Bad", "#ff0000",
     "Mọi người nên giảm hoạt động mạnh ngoài trời và nghỉ ngơi trong nhà nhiều hơn. Nhóm "
     "nhạy cảm nên ở trong nhà; nếu phải ra ngoài, đeo khẩu trang đạt chuẩn.",
     "Everyone should reduce strenuous outdoor activity and rest indoors more. Sensitive groups "
     "should stay indoors and wear a proper mask if they must go out."},
    {"Rất xấu", "Very bad", "#8f3f97",
     "Mọi người hạn chế tối đa hoạt động ngoài trời, đeo khẩu trang đạt chuẩn nếu phải ra "
     "ngoài. Nhóm nhạy cảm tránh mọi hoạt động ngoài trời.",
     "Everyone should keep outdoor activity to a minimum and wear a proper mask outside. Sensitive "
     "groups should avoid all outdoor activity."},
    {"Nguy hại", "Hazardous", "#7e0023",
     "Mọi người nên ở trong nhà, đóng cửa ra vào và cửa sổ; nếu bắt buộc phải ra ngoài, đeo "
     "khẩu trang đạt chuẩn.",
     "Everyone should stay indoors with doors and windows closed, and wear a proper mask if they "
     "must go out."},
};

#define CLASS_FIELD(cls, f) ((cls) >= 1 && (cls) <= 6 ? classes[(cls)-1].f : "")

const char *aqi_class_vi(int cls)
{
    return CLASS_FIELD(cls, vi);
}
const char *aqi_class_en(int cls)
{
    return CLASS_FIELD(cls, en);
}
const char *aqi_class_colour(int cls)
{
    return CLASS_FIELD(cls, colour);
}
const char *aqi_class_advice_vi(int cls)
{
    return CLASS_FIELD(cls, advice_vi);
}
const char *aqi_class_advice_en(int cls)
{
    return CLASS_FIELD(cls, advice_en);
}

/* ---- Table 2: the sub-index ------------------------------------------------------------- */

#define NBP 8
#define MICRO 1000000LL

static const int bp_index[NBP] = {0, 50, 100, 150, 200, 300, 400, 500};

/* Breakpoints in µg/m³ per column (enum aqi_column order); nbp of them. */
static const struct {
    int nbp;
    int64_t bp[NBP];
} columns[] = {
    [AQI_COL_O3_1H] = {8, {0, 160, 200, 300, 400, 800, 1000, 1200}},
    [AQI_COL_O3_8H] = {6, {0, 100, 120, 170, 210, 400}},
    [AQI_COL_CO] = {8, {0, 10000, 30000, 45000, 60000, 90000, 120000, 150000}},
    [AQI_COL_SO2] = {8, {0, 125, 350, 550, 800, 1600, 2100, 2630}},
    [AQI_COL_NO2] = {8, {0, 100, 200, 700, 1200, 2350, 3100, 3850}},
    [AQI_COL_PM10] = {8, {0, 50, 150, 250, 350, 420, 500, 600}},
    [AQI_COL_PM25] = {8, {0, 25, 50, 80, 150, 250, 350, 500}},
};

static int present(double c)
{
    return isfinite(c) && c >= 0;
}

int aqi_subindex(enum aqi_column col, double c)
{
    if ((unsigned)col >= IOC_ARRAY_LEN(columns) || !present(c))
        return -1;
    int nbp = columns[col].nbp;
    const int64_t *bp = columns[col].bp;
    int64_t last = bp[nbp - 1] * MICRO;
    /* 1e12 µg/m³ is past every column; the bound keeps llround inside int64. */
    int64_t cu = c > 1e12 ? last + 1 : (int64_t)llround(c * 1e6);
    if (cu > last)
        return col == AQI_COL_O3_8H ? -1 : 500;
    int i = 0;
    while (i + 2 < nbp && cu > bp[i + 1] * MICRO)
        i++;
    int64_t lo = bp[i] * MICRO, d_bp = bp[i + 1] * MICRO - lo;
    int64_t d_i = bp_index[i + 1] - bp_index[i];
    return bp_index[i] + (int)((2 * d_i * (cu - lo) + d_bp) / (2 * d_bp));
}

/* ---- NowCast ---------------------------------------------------------------------------- */

int aqi_nowcast(const double *c, size_t n, double *out)
{
    if (n > 12)
        n = 12;
    size_t recent = 0;
    for (size_t i = 0; i < n && i < 3; i++)
        recent += present(c[i]);
    if (recent < 2)
        return IOC_ENOTFOUND;
    double lo = INFINITY, hi = 0;
    for (size_t i = 0; i < n; i++)
        if (present(c[i])) {
            lo = c[i] < lo ? c[i] : lo;
            hi = c[i] > hi ? c[i] : hi;
        }
    if (hi == 0) {
        *out = 0; /* an all-zero window: w* would be 0/0 */
        return 0;
    }
    double w = lo / hi;
    if (w <= 0.5)
        w = 0.5;
    double num = 0, den = 0, wi = 1;
    for (size_t i = 0; i < n; i++, wi *= w)
        if (present(c[i])) {
            num += wi * c[i];
            den += wi;
        }
    *out = num / den;
    return 0;
}

/* ---- the index -------------------------------------------------------------------------- */

static void result_init(struct aqi_result *r)
{
    r->aqi = -1;
    for (int p = 0; p < AQI_NPOLL; p++) {
        r->sub[p] = -1;
        r->conc[p] = NAN;
    }
    r->dominant = -1;
    r->cls = 0;
    r->reason = AQI_OK;
    r->o3_8h = 0;
}

static void set_sub(struct aqi_result *r, enum aqi_pollutant p, enum aqi_column col, double c)
{
    r->sub[p] = aqi_subindex(col, c);
    r->conc[p] = r->sub[p] >= 0 ? c : NAN;
}

/* The AQI, dominant and class from the sub-indices, once PM was checked (reason). */
static void finish(struct aqi_result *r)
{
    if (r->sub[AQI_PM25] < 0 && r->sub[AQI_PM10] < 0)
        return;
    r->reason = AQI_OK;
    for (int p = 0; p < AQI_NPOLL; p++)
        if (r->sub[p] > r->aqi) {
            r->aqi = r->sub[p];
            r->dominant = p;
        }
    if (r->aqi > 500)
        r->aqi = 500;
    r->cls = aqi_class(r->aqi);
}

static const enum aqi_column hourly_col[AQI_NPOLL] = {AQI_COL_PM25, AQI_COL_PM10, AQI_COL_NO2,
                                                      AQI_COL_SO2,  AQI_COL_CO,   AQI_COL_O3_1H};

int aqi_hourly(const struct aqi_hour *h, size_t n, struct aqi_result *out)
{
    result_init(out);
    if (n == 0 || !h)
        return IOC_EINVAL;
    size_t w = n > 12 ? 12 : n;
    const struct aqi_hour *now = &h[n - 1];
    int any_pm = 0;
    for (int p = AQI_PM25; p <= AQI_PM10; p++) {
        double c[12], nc;
        for (size_t k = 0; k < w; k++) {
            c[k] = h[n - 1 - k].c[p];
            any_pm |= present(c[k]);
        }
        if (aqi_nowcast(c, w, &nc) == 0)
            set_sub(out, (enum aqi_pollutant)p, hourly_col[p], nc);
    }
    for (int p = AQI_NO2; p < AQI_NPOLL; p++)
        set_sub(out, (enum aqi_pollutant)p, hourly_col[p], now->c[p]);
    out->reason = any_pm ? AQI_NOWCAST_SHORT : AQI_NO_PM;
    finish(out);
    return 0;
}

void aqi_hourly_series(const struct aqi_hour *h, size_t n, struct aqi_result *out)
{
    for (size_t i = 0; i < n; i++) {
        size_t first = i >= 11 ? i - 11 : 0;
        aqi_hourly(h + first, i + 1 - first, &out[i]);
    }
}

/* The value of pollutant p at day index j (-7 … 23): prev for j < 0. */
static double day_value(const struct aqi_hour *day, const struct aqi_hour *prev, int j, int p)
{
    if (j < 0)
        return prev ? prev[7 + j].c[p] : NAN;
    return day ? day[j].c[p] : NAN;
}

int aqi_daily(const struct aqi_hour *day, const struct aqi_hour *prev, struct aqi_result *out)
{
    result_init(out);
    int any_pm = 0;
    for (int p = AQI_PM25; p <= AQI_PM10; p++) {
        double sum = 0;
        int k = 0;
        for (int j = 0; j < 24; j++) {
            double c = day_value(day, prev, j, p);
            if (present(c)) {
                sum += c;
                k++;
            }
        }
        any_pm |= k > 0;
        if (k >= AQI_DAY_MIN_HOURS)
            set_sub(out, (enum aqi_pollutant)p, hourly_col[p], sum / k);
    }
    for (int p = AQI_NO2; p < AQI_NPOLL; p++) {
        double hi = NAN;
        for (int j = 0; j < 24; j++) {
            double c = day_value(day, prev, j, p);
            if (present(c) && !(c <= hi))
                hi = c;
        }
        set_sub(out, (enum aqi_pollutant)p, hourly_col[p], hi);
    }
    /* O₃: the larger of the 1 h sub-index (set above) and the 8 h one; the 8 h mean at day
     * index t averages t−7 … t, with at least AQI_O3_8H_MIN_HOURS present. */
    double hi8 = NAN;
    for (int t = 0; t < 24; t++) {
        double sum = 0;
        int k = 0;
        for (int j = t - 7; j <= t; j++) {
            double c = day_value(day, prev, j, AQI_O3);
            if (present(c)) {
                sum += c;
                k++;
            }
        }
        if (k >= AQI_O3_8H_MIN_HOURS && !(sum / k <= hi8))
            hi8 = sum / k;
    }
    int s8 = aqi_subindex(AQI_COL_O3_8H, hi8); /* -1 past 400 µg/m³: the 1 h one alone counts */
    if (s8 > out->sub[AQI_O3]) {
        out->sub[AQI_O3] = s8;
        out->conc[AQI_O3] = hi8;
        out->o3_8h = 1;
    }
    out->reason = any_pm ? AQI_DAY_SHORT : AQI_NO_PM;
    finish(out);
    return 0;
}
