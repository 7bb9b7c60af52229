/* timex.h: what a date expression means before it is resolved.
 *
 * Scanners turn text into a tx_sem: which calendar fields were written, which
 * are relative to the document date (DCT), to the running date of the text
 * (同年, năm đó, that year) or left to context (4月15日, ngày 6/7). The date
 * normaliser (date_normalise.c) then resolves them, in document order, into
 * TIMEX3 values. */
#ifndef CHR_TIMEX_H
#define CHR_TIMEX_H
#include <stddef.h>
#include <stdint.h>

enum tx_type { TX_DATE, TX_TIME, TX_DURATION, TX_SET };
enum tx_mod { MOD_NONE, MOD_START, MOD_MID, MOD_END, MOD_APPROX, MOD_BEFORE, MOD_AFTER,
              MOD_MORE_THAN, MOD_LESS_THAN };
enum tx_ref { REF_NONE, REF_PAST, REF_PRESENT, REF_FUTURE };
/* where a field comes from */
enum tx_src { SRC_NONE, SRC_ABS, SRC_DCT, SRC_ANCHOR, SRC_CONTEXT };
/* granularity of a DATE value */
enum tx_gran { G_NONE, G_CENTURY, G_DECADE, G_YEAR, G_SUB, G_MONTH, G_WEEK, G_DAY };

typedef struct tx_point {
    int year, month, day;        /* absolute values where src is SRC_ABS */
    uint8_t ysrc, msrc, dsrc;    /* enum tx_src */
    int8_t yoff, moff;           /* offsets for SRC_DCT / SRC_ANCHOR */
    int16_t doff;
    int8_t weekday;              /* 1 = Monday .. 7 = Sunday; 0 none */
    int8_t woff;                 /* week offset from the DCT week; with weekday */
    int8_t wnear;                /* weekday alone: the one nearest the DCT */
    int8_t dir;                  /* context resolution: 0 nearest, +1 upcoming, -1 past */
    uint8_t gran;                /* enum tx_gran */
    int century, decade;         /* G_CENTURY: 18 = 1800s; G_DECADE: 199 = 1990s */
    char sub[3];                 /* with G_SUB: SU, WI, Q3, H1 ... */
    char pod[3];                 /* MO, AF, EV, NI */
    int8_t hour, minute, second; /* -1 when absent */
    int8_t tz_ok;                /* clock time written with an offset */
} tx_point;

typedef struct tx_sem {
    uint8_t type;      /* enum tx_type */
    uint8_t mod;       /* enum tx_mod */
    uint8_t ref;       /* enum tx_ref: the value is PAST_REF etc. */
    uint8_t anchor;    /* 当时/năm đó: the running date as it stands */
    uint8_t has_end;   /* compressed range: end holds the written end fields */
    uint8_t year_ago;  /* cách đây N năm: DCT year minus point.year */
    tx_point pt, end;
    char dur[16];      /* DURATION / SET value (P20Y, P1Y, PXY) */
} tx_sem;

typedef struct tx_cand {
    size_t start, end; /* offsets in the normalised text */
    size_t line;       /* index of the line it starts on */
    tx_sem sem;
} tx_cand;

void tx_point_init(tx_point *p);
void tx_sem_init(tx_sem *s, int type);
const char *tx_type_name(int type);
const char *tx_mod_name(int mod);

/* The document date and the running date while resolving. */
typedef struct tx_clock {
    int has_dct;
    int dy, dm, dd;          /* DCT */
    int ay, am, ad;          /* running (anchor) date: 0 = unknown part */
    size_t aline;            /* line of the last anchor */
    int has_anchor;
} tx_clock;

/* Resolves s (found on line `line`) into a TIMEX3 value and, for ranges,
 * end value; updates the running date unless may_anchor is 0 (asides in
 * parentheses do not move the story's date). Buffers hold 32 bytes. */
void tx_resolve(const tx_sem *s, size_t line, int may_anchor, tx_clock *clk, char *value,
                char *end_value);
/* Days from 1970-01-01 and back, for day arithmetic. */
long days_from_civil(int y, int m, int d);
void civil_from_days(long z, int *y, int *m, int *d);
int weekday_of(int y, int m, int d); /* 1 = Monday */
int days_in_month(int y, int m);
#endif
