#define _GNU_SOURCE /* memmem */
#include "event_extract.h"
#include "hash.h"
#include "engine.h"
#include "entity_recognize.h"
#include "knowledge_base.h"
#include "timex_extract.h"
#include "timex_scan.h"
#include "chronicle.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *ev_status_name(int s)
{
    return s == EV_PLANNED ? "planned" : s == EV_NEGATED ? "negated" : "happened";
}

static int lang_code(const char *s)
{
    if (!strcmp(s, "zh"))
        return LANG_ZH;
    if (!strcmp(s, "vi"))
        return LANG_VI;
    if (!strcmp(s, "en"))
        return LANG_EN;
    return -1;
}

int ev_lexicon_load(ev_lexicon *lx, const struct chr_engine *e, const char *dir, char *msg,
                    size_t msglen)
{
    memset(lx, 0, sizeof *lx);
    vec_init(&lx->triggers, sizeof(ev_trigger));
    if (gaz_init(&lx->gaz) < 0) {
        snprintf(msg, msglen, "out of memory");
        return CHR_ERR_NOMEM;
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/event_triggers.tsv", dir);
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return CHR_OK; /* no lexicon: no events, dates and names still work */
        snprintf(msg, msglen, "cannot open %s: %s", path, strerror(errno));
        return CHR_ERR_IO;
    }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    lx->buf = size >= 0 ? malloc((size_t)size + 1) : NULL;
    if (!lx->buf || fread(lx->buf, 1, (size_t)size, f) != (size_t)size) {
        fclose(f);
        snprintf(msg, msglen, "cannot read %s", path);
        return CHR_ERR_IO;
    }
    fclose(f);
    lx->buf[size] = '\0';
    lx->stamp = fnv64(lx->buf, (size_t)size);
    char *p = lx->buf, fold[256];
    size_t lineno = 0;
    while (*p) {
        char *nl = strchr(p, '\n');
        if (nl)
            *nl = '\0';
        lineno++;
        if (*p && *p != '#') {
            char *c[5];
            int nc = 0;
            char *q = p;
            while (nc < 5) {
                c[nc++] = q;
                char *tab = strchr(q, '\t');
                if (!tab)
                    break;
                *tab = '\0';
                q = tab + 1;
            }
            int lang = nc == 5 ? lang_code(c[0]) : -1;
            if (lang < 0 || strlen(c[2]) != 2 || (c[2][0] == '-') != (c[2][1] == '-') || strlen(c[1]) * 4 + 1 > sizeof fold) {
                snprintf(msg, msglen, "%s:%zu: malformed row", path, lineno);
                return CHR_ERR_DATA;
            }
            ev_trigger *tr = vec_push(&lx->triggers);
            if (!tr) {
                snprintf(msg, msglen, "out of memory");
                return CHR_ERR_NOMEM;
            }
            memcpy(tr->code, c[2], 3);
            tr->label = c[3];
            tr->lang = (uint8_t)lang;
            tr->subj = strstr(c[4], "subj") != NULL;
            tr->deal = strstr(c[4], "deal") != NULL;
            tr->invite = strstr(c[4], "invite") != NULL;
            size_t n = kb_fold(e, c[1], strlen(c[1]), fold);
            uint8_t flags = lang == LANG_ZH ? 0 : GAZ_LATIN;
            int r = gaz_add(&lx->gaz, fold, n, (uint32_t)(lx->triggers.len - 1), flags, c[1], strlen(c[1]));
            if (r < 0) {
                snprintf(msg, msglen, "out of memory");
                return r;
            }
        }
        if (!nl)
            break;
        p = nl + 1;
    }
    if (gaz_finish(&lx->gaz) < 0) {
        snprintf(msg, msglen, "out of memory");
        return CHR_ERR_NOMEM;
    }
    return CHR_OK;
}

void ev_lexicon_free(ev_lexicon *lx)
{
    free(lx->buf);
    vec_free(&lx->triggers);
    gaz_free(&lx->gaz);
}

/* ---- text structure ---------------------------------------------------- */

enum { LOOK = 2000 }; /* how far a sentence may reach, so one huge line stays linear */

/* bytes that may end a sentence: newline ! ? ; . and the lead byte of 。 */
static int may_end(unsigned char c)
{
    return c == '\n' || c == '!' || c == '?' || c == ';' || c == '.' || c == 0xE3;
}

static int sentence_end_at(const chr_text *t, size_t p, size_t *len)
{
    const char *s = t->norm;
    unsigned char c = (unsigned char)s[p];
    *len = 1;
    if (c == '\n' || c == '!' || c == '?' || c == ';')
        return 1;
    if (c == '.' && p + 1 < t->len && (s[p + 1] == ' ' || s[p + 1] == '\n'))
        return 1;
    if (c == 0xE3 && p + 2 < t->len && (unsigned char)s[p + 1] == 0x80 && (unsigned char)s[p + 2] == 0x82) {
        *len = 3; /* 。 */
        return 1;
    }
    return 0;
}

/* floor: no sentence starts before it (the end of the previous sentence
 * found, as triggers come in order). Every sentence end has an ASCII byte or
 * the lead byte of 。 first, so the scans test one byte per step and decode
 * nothing. */
static void sentence_of(const chr_text *t, size_t p, size_t floor, size_t *s0, size_t *s1)
{
    const unsigned char *u = (const unsigned char *)t->norm;
    size_t a = p, lim = p > LOOK ? p - LOOK : 0, n;
    if (lim < floor)
        lim = floor;
    while (a > lim) {
        size_t q = a - 1;
        if (may_end(u[q]) && sentence_end_at(t, q, &n))
            break;
        a = q;
    }
    /* a sits on a character boundary: every byte that ends a sentence is
     * ASCII or a lead byte, so stepping back byte by byte stops on one */
    while (a < p && (u[a] & 0xC0) == 0x80)
        a++;
    size_t b = p, hi = p + LOOK < t->len ? p + LOOK : t->len;
    while (b < hi) {
        if (may_end(u[b]) && sentence_end_at(t, b, &n)) {
            b += n;
            break;
        }
        b++;
    }
    *s0 = a;
    *s1 = b;
}

static int clause_sep(const char *s, size_t p)
{
    unsigned char c = (unsigned char)s[p];
    if (c == ',' || c == ':')
        return 1;
    /* 、 stays inside a clause: it lists co-actors */
    return 0;
}

static size_t clause_start(const chr_text *t, size_t s0, size_t p)
{
    while (p > s0 && !clause_sep(t->norm, p - 1))
        p--;
    return p;
}

static void clause_of(const chr_text *t, size_t s0, size_t s1, size_t a, size_t b, size_t *c0, size_t *c1)
{
    size_t x = a;
    while (x > s0 && !clause_sep(t->norm, x - 1))
        x--;
    size_t y = b;
    while (y < s1 && !clause_sep(t->norm, y))
        y++;
    *c0 = x;
    *c1 = y;
}

/* A small list of words to look for in clauses, with the first two bytes
 * of each hashed into a bitmap: a clause is scanned once, and a comparison
 * happens only where two bytes open some word (in Chinese text the lead
 * byte alone opens something at almost every character). */
enum { WS_MAX = 48, WS_BITS = 4096 };
typedef struct word_set {
    const char *const *words;
    uint8_t len[WS_MAX];
    int n;
    uint8_t pairs[WS_BITS / 8];
} word_set;

static unsigned ws_pair(unsigned char a, unsigned char b)
{
    return ((a * 31u) ^ b) & (WS_BITS - 1);
}

static void word_set_init(word_set *ws, const char *const *words)
{
    memset(ws, 0, sizeof *ws);
    ws->words = words;
    for (int i = 0; words[i] && i < WS_MAX; i++) {
        size_t n = strlen(words[i]);
        ws->len[i] = (uint8_t)n;
        ws->n = i + 1;
        /* every word has two bytes or more (one-byte words would need their own table) */
        unsigned h = ws_pair((unsigned char)words[i][0], (unsigned char)words[i][1]);
        ws->pairs[h >> 3] |= (uint8_t)(1u << (h & 7));
    }
}

/* Whether fold[a..b) contains one of the words of ws. */
static int has_word(const chr_text *t, size_t a, size_t b, const word_set *ws)
{
    const unsigned char *f = (const unsigned char *)t->fold;
    for (size_t p = a; p + 1 < b; p++) {
        unsigned h = ws_pair(f[p], f[p + 1]);
        if (!((ws->pairs[h >> 3] >> (h & 7)) & 1))
            continue;
        for (int i = 0; i < ws->n; i++)
            if (p + ws->len[i] <= b && !memcmp(f + p, ws->words[i], ws->len[i]))
                return 1;
    }
    return 0;
}

/* ---- the pieces of an event ------------------------------------------------ */

/* a date inside a title 《…》 names a document (《1982年联合国海洋法公约》) */
static int in_title(const chr_text *t, size_t a)
{
    static const char open_t[] = "\xe3\x80\x8a", close_t[] = "\xe3\x80\x8b"; /* 《 》 */
    size_t lim = a > 200 ? a - 200 : 0;
    for (size_t q = a; q-- > lim;) {
        unsigned char c = (unsigned char)t->norm[q];
        if (c == '\n')
            return 0;
        if (c != 0xE3) /* the lead byte of 《 and 》 */
            continue;
        if (!memcmp(t->norm + q, close_t, 3))
            return 0;
        if (!memcmp(t->norm + q, open_t, 3))
            return 1;
    }
    return 0;
}

/* 1975年以来, since 1975, kể từ năm 1975: where a span of time starts, not
 * when the event in the same sentence happened */
static int since_date(const chr_text *t, const tx_found *x, size_t s1)
{
    const char *f = t->fold;
    size_t e = x->end;
    while (e < s1 && f[e] == ' ')
        e++;
    if (e + 6 <= s1 && !memcmp(f + e, "以来", 6))
        return 1;
    size_t a = x->start;
    if ((a >= 6 && !memcmp(f + a - 6, "since ", 6)) ||
        (a >= 3 && !memcmp(f + a - 3, "自", 3)))
        return 1; /* since 1975, "since January 2023" (the span holds it), 自1975年以来 */
    static const char kt[] = "kể từ ";
    for (size_t back = sizeof kt - 1; back <= sizeof kt - 1 + 6 && back <= a; back++)
        if (!memcmp(f + a - back, kt, sizeof kt - 1))
            return 1; /* kể từ (năm) 1975 */
    return 0;
}

/* inside parentheses opened since the sentence began: an aside
 * ("签署了禁毒协定(2006年修订)") whose date is not the sentence's */
static int in_aside(const chr_text *t, size_t s0, size_t p)
{
    int depth = 0;
    for (size_t q = s0; q < p; q++) {
        char c = t->norm[q];
        if (c == '(')
            depth++;
        else if (c == ')' && depth > 0)
            depth--;
    }
    return depth > 0;
}

/* "(1858)", "(1960年12月2日—2025年12月2日)": parentheses that hold only a
 * date give the date of what they follow */
static int date_in_parens(const chr_text *t, const tx_found *x)
{
    size_t a = x->start, b = x->end;
    while (a > 0 && t->norm[a - 1] == ' ')
        a--;
    while (b < t->len && t->norm[b] == ' ')
        b++;
    return a > 0 && t->norm[a - 1] == '(' && b < t->len && t->norm[b] == ')';
}

static int usable_date(const tx_found *x)
{
    if (x->sem.type != TX_DATE && x->sem.type != TX_TIME)
        return 0;
    if (x->sem.ref)
        return 0;
    return x->value[0] == 'X' || (x->value[0] >= '0' && x->value[0] <= '9');
}

static int ref_date(const tx_found *x)
{
    return (x->sem.type == TX_DATE || x->sem.type == TX_TIME) && x->sem.ref;
}

/* first index with start >= p in a sorted array of starts */
#define LOWER_BOUND(arr, n, p, out)                 \
    do {                                            \
        size_t lo_ = 0, hi_ = (n);                  \
        while (lo_ < hi_) {                         \
            size_t mid_ = (lo_ + hi_) / 2;          \
            if ((arr)[mid_].start < (p))            \
                lo_ = mid_ + 1;                     \
            else                                    \
                hi_ = mid_;                         \
        }                                           \
        (out) = lo_;                                \
    } while (0)

static void add_actor(ev_found *ev, const ent_found *ents, uint32_t i);

/* ---- invitations ------------------------------------------------------------ */

/* 应X邀请, 在X的邀请下, theo lời mời của X, at the invitation of X: the
 * host who invited is the circumstance of a visit, not one of its actors,
 * and the invitation is not an event of its own. */
enum { MAX_INVITES = 4 };
typedef struct invite_spans {
    size_t n;
    size_t span[MAX_INVITES][2];
} invite_spans;

/* 应 as "at the request of", not inside 响应, 相应, 反应, 适应, 供应, 答应, 对应 */
static int ying_at(const chr_text *t, size_t q)
{
    static const char *const words[] = {"响", "相", "反", "适", "供", "答", "对", "回", "效", "理", NULL};
    if (memcmp(t->norm + q, "应", 3) != 0)
        return 0;
    for (int i = 0; words[i] && q >= 3; i++)
        if (!memcmp(t->norm + q - 3, words[i], 3))
            return 0;
    return 1;
}

/* the end of the clause from q: the next comma, semicolon or sentence end */
static size_t clause_end(const chr_text *t, size_t q, size_t s1)
{
    while (q < s1 && t->norm[q] != ',' && t->norm[q] != ';' && memcmp(t->norm + q, "，", 3) != 0)
        q++;
    return q;
}

static void add_span(invite_spans *iv, size_t a, size_t b)
{
    if (iv->n < MAX_INVITES) {
        iv->span[iv->n][0] = a;
        iv->span[iv->n][1] = b;
        iv->n++;
    }
}

#define LOI_MOI_CUA "lời mời của"

/* Where each invitation marker next occurs: sentences come in order, so
 * each marker is searched for once over the whole text, not per sentence. */
static const char *const INVITE_MARKERS[] = {"邀请", LOI_MOI_CUA, "invitation of"};
enum { N_MARKERS = 3 };
typedef struct marker_cursor {
    size_t next[N_MARKERS]; /* offset of the next occurrence, or len */
    size_t from[N_MARKERS]; /* searched from here */
} marker_cursor;

static void markers_init(marker_cursor *mc)
{
    for (int k = 0; k < N_MARKERS; k++)
        mc->next[k] = mc->from[k] = 0;
}

/* whether some marker occurs in [s0, s1) */
static int markers_in(const chr_text *t, marker_cursor *mc, size_t s0, size_t s1)
{
    int any = 0;
    for (int k = 0; k < N_MARKERS; k++) {
        if (mc->next[k] < s0 || (mc->next[k] == 0 && mc->from[k] == 0)) {
            size_t n = strlen(INVITE_MARKERS[k]);
            const char *h = s0 < t->len ? memmem(t->fold + s0, t->len - s0, INVITE_MARKERS[k], n) : NULL;
            mc->next[k] = h ? (size_t)(h - t->fold) : t->len;
            mc->from[k] = s0 + 1;
        }
        any |= mc->next[k] < s1;
    }
    return any;
}

/* Each marker is rare: memmem finds it, and only then is its phrase read. */
static void find_invitations(const chr_text *t, size_t s0, size_t s1, invite_spans *iv)
{
    iv->n = 0;
    const char *f = t->fold;
    for (size_t q = s0; q + 6 <= s1;) {
        const char *h = memmem(f + q, s1 - q, "邀请", 6);
        if (!h)
            break;
        size_t at = (size_t)(h - f), lim = at > s0 + 90 ? at - 90 : s0;
        if (at >= s0 + 3 && !memcmp(f + at - 3, "的", 3) && at + 9 <= s1 && !memcmp(f + at + 6, "下", 3)) {
            /* 在 X 的邀请下: back to 在 */
            size_t a = at - 3;
            while (a > lim && memcmp(f + a, "在", 3) != 0)
                a--;
            if (!memcmp(f + a, "在", 3))
                add_span(iv, a, at + 9);
        } else {
            /* 应 X 邀请: back to 应, within the clause */
            for (size_t a = at; a >= lim + 3 && a >= 3;) {
                a -= 3;
                while (a > lim && ((unsigned char)f[a] & 0xC0) == 0x80)
                    a--;
                if (clause_sep(t->norm, a) || !memcmp(f + a, "，", 3))
                    break;
                if (ying_at(t, a)) {
                    add_span(iv, a, at + 6);
                    break;
                }
            }
        }
        q = at + 6;
    }
    static const char *const phrases[] = {LOI_MOI_CUA, "invitation of", NULL};
    for (int k = 0; phrases[k]; k++) {
        size_t n = strlen(phrases[k]);
        for (size_t q = s0; q + n <= s1;) {
            const char *h = memmem(f + q, s1 - q, phrases[k], n);
            if (!h)
                break;
            size_t at = (size_t)(h - f);
            add_span(iv, at, clause_end(t, at, s1));
            q = at + n;
        }
    }
}

static int in_invitation(const invite_spans *iv, size_t p)
{
    for (size_t i = 0; i < iv->n; i++)
        if (p >= iv->span[i][0] && p < iv->span[i][1])
            return 1;
    return 0;
}

/* who can act: people, organisations, and countries (not cities or seas) */
static int can_act(const struct chr_engine *e, const ent_found *x)
{
    if (x->type == ENT_PERSON || x->type == ENT_ORG)
        return 1;
    if (x->type == ENT_GPE)
        return x->kb < 0 || e->kb.ents[x->kb].polity;
    return 0;
}

static void add_actor(ev_found *ev, const ent_found *ents, uint32_t i)
{
    for (int k = 0; k < ev->nactors; k++)
        if (!strcmp(ents[ev->actors[k]].id, ents[i].id))
            return;
    if (ev->nactors < 4)
        ev->actors[ev->nactors++] = i;
}

/* people of the range first (before the trigger, then after); countries and
 * organisations only when no person is named */
static void pick_actors(const struct chr_engine *e, ev_found *ev, const ent_found *ents, size_t nent,
                        size_t a, size_t b, size_t trig, const invite_spans *iv)
{
    size_t i0;
    LOWER_BOUND(ents, nent, a, i0);
    size_t last = i0;
    while (last < nent && ents[last].end <= trig)
        last++;
    /* a country or body right before the trigger is its subject, whoever
     * else the clause names (美国全面解除…, Hà Nội phản đối…) */
    if (last > i0 && trig - ents[last - 1].end <= 6 && ents[last - 1].type != ENT_PERSON &&
        can_act(e, &ents[last - 1]) && !in_invitation(iv, ents[last - 1].start))
        add_actor(ev, ents, (uint32_t)(last - 1));
    int subject = ev->nactors;
    for (int want_person = 1; want_person >= 0 && ev->nactors == subject; want_person--) {
        /* before the trigger, nearest first */
        size_t i;
        for (i = last; i-- > i0;)
            if ((ents[i].type == ENT_PERSON) == want_person && can_act(e, &ents[i]) &&
                !in_invitation(iv, ents[i].start))
                add_actor(ev, ents, (uint32_t)i);
        for (i = last; i < nent && ents[i].start < b; i++)
            if (ents[i].start >= trig && (ents[i].type == ENT_PERSON) == want_person &&
                can_act(e, &ents[i]) && !in_invitation(iv, ents[i].start))
                add_actor(ev, ents, (uint32_t)i);
    }
}

/* A visit's destination is one of its actors (thăm Ấn Độ, 访问越南, a visit
 * to Vietnam, 对韩国进行国事访问): the country named right after the
 * trigger, or after 对 before it. */
static void add_destination(const struct chr_engine *e, ev_found *ev, const ent_found *ents, size_t nent,
                            const chr_text *t, size_t c0, size_t c1, size_t trig, size_t end)
{
    size_t i;
    LOWER_BOUND(ents, nent, end, i);
    if (i < nent && ents[i].start < c1 && ents[i].start <= end + 12 && ents[i].type == ENT_GPE &&
        can_act(e, &ents[i])) {
        add_actor(ev, ents, (uint32_t)i);
        return;
    }
    /* 对 X 进行…访问 */
    LOWER_BOUND(ents, nent, c0, i);
    for (; i < nent && ents[i].end <= trig; i++)
        if (ents[i].type == ENT_GPE && can_act(e, &ents[i]) && ents[i].start >= 3 &&
            !memcmp(t->norm + ents[i].start - 3, "对", 3) && trig - ents[i].end <= 40) {
            add_actor(ev, ents, (uint32_t)i);
            return;
        }
}

/* "…his Lao counterpart Sonexay Siphandone, who is in Việt Nam for an
 * official visit": a clause opened by "who" has the person before the
 * comma as its subject */
static void relative_subject(const chr_text *t, ev_found *ev, const ent_found *ents, size_t nent,
                             size_t c0)
{
    size_t q = c0;
    while (q < t->len && t->fold[q] == ' ')
        q++;
    if (q + 4 > t->len || memcmp(t->fold + q, "who ", 4) != 0)
        return;
    size_t i;
    LOWER_BOUND(ents, nent, c0, i);
    if (i > 0 && ents[i - 1].type == ENT_PERSON && ents[i - 1].end + 3 >= c0)
        add_actor(ev, ents, (uint32_t)(i - 1));
}

/* every actor of a is one of b's */
static int actors_within(const ent_found *ents, const ev_found *a, const ev_found *b)
{
    for (int i = 0; i < a->nactors; i++) {
        int found = 0;
        for (int k = 0; k < b->nactors && !found; k++)
            found = !strcmp(ents[a->actors[i]].id, ents[b->actors[k]].id);
        if (!found)
            return 0;
    }
    return a->nactors > 0;
}

static int subject_before(const chr_text *t, const ent_found *ents, size_t nent, size_t c0, size_t trig)
{
    size_t i0;
    LOWER_BOUND(ents, nent, c0, i0);
    for (size_t i = i0; i < nent && ents[i].end <= trig; i++)
        if (trig - ents[i].end <= 40 && ents[i].start >= c0)
            return 1;
    (void)t;
    return 0;
}

int event_extract(const struct chr_engine *e, const chr_text *t, const tx_found *tx, size_t ntx,
                  const ent_found *ents, size_t nent, vec *out)
{
    const ev_lexicon *lx = &e->events;
    if (!lx->triggers.len)
        return CHR_OK;
    static const char *const planned[] = {"将", "计划", "拟", "准备", "即将", "预计", "sẽ",
        "dự kiến", "sắp", "will", "plans to", "is to", "would", NULL};
    static const char *const negated[] = {"未", "没有", "不", "không", "chưa", "not", "n't",
        "never", NULL};
    static const char *const both[] = {"双方", "两国", "两位", "hai bên", "hai nước",
        "hai nhà lãnh đạo", "both sides", "the two", NULL};
    static const char *const deal_words[] = {"贸易", "经济", "投资", "航空", "海事", "民航", "核",
        "军事", "防务", "国防", "技术", "能源", "禁毒", "纺织", "石油", "天然气", "trade",
        "economic", "investment", "defense", "defence", "military", "nuclear", "energy",
        "thương mại", "kinh tế", "đầu tư", "quốc phòng", "năng lượng", NULL};
    static const char *const military_words[] = {"军舰", "舰", "海军", "航母", "演习", "军演",
        "联合训练", "tàu chiến", "hải quân", "tàu sân bay", "tập trận", "diễn tập", "warship", "navy",
        "naval", "aircraft carrier", "military exercise", "joint exercise", "drill", NULL};
    static const char *const place_words[] = {"在", "于", "tại", "ở", "in", "at", NULL};
    static const char *const joint_words[] = {"联合声明", "共同声明", "joint statement",
        "tuyên bố chung", NULL};
    word_set ws_planned, ws_negated, ws_both, ws_deal, ws_military, ws_place, ws_joint;
    word_set_init(&ws_joint, joint_words);
    word_set_init(&ws_planned, planned);
    word_set_init(&ws_negated, negated);
    word_set_init(&ws_both, both);
    word_set_init(&ws_deal, deal_words);
    word_set_init(&ws_military, military_words);
    word_set_init(&ws_place, place_words);
    scan sc;
    memset(&sc, 0, sizeof sc);
    sc.s = t->norm;
    sc.f = t->fold;
    sc.len = t->len;
    const line_stats *ls = t->lines.data;
    size_t li = 0, p = 0, n, ti = 0;
    long running = -1;       /* last usable date before p */
    long prev_event = -1;
    size_t ei = 0, cs0 = 0, cs1 = 0;
    invite_spans invites = {0, {{0, 0}}};
    marker_cursor markers;
    markers_init(&markers);
    gaz_hit hits[8];
    while ((p = gaz_seek(&lx->gaz, t->fold, t->len, p)) < t->len) {
        while (li + 1 < t->lines.len && ls[li].end < p)
            li++;
        uint32_t cp = sc_cp(&sc, p, &n);
        int cjk = is_cjk(cp), latin = is_latin_letter(cp);
        if ((!cjk && !latin) || (latin && sc_glued_before(&sc, p)) ||
            !gaz_can_start(&lx->gaz, utf8_at(t->fold, t->len, p, &(size_t){0}))) {
            if (latin)
                while (p < t->len && sc_is_wordchar(&sc, p)) {
                    sc_cp(&sc, p, &n);
                    p += n;
                }
            else
                p += n;
            continue;
        }
        /* no trigger inside a name (建立 in an organisation's name) */
        while (ei < nent && ents[ei].end <= p)
            ei++;
        if (ei < nent && ents[ei].start <= p) {
            p = ents[ei].end;
            continue;
        }
        /* most positions open no trigger with the next character: one bit says so */
        size_t k2;
        uint32_t fc = utf8_at(t->fold, t->len, p, &k2);
        uint32_t next = p + k2 < t->len ? utf8_at(t->fold, t->len, p + k2, &k2) : 0;
        size_t nh = gaz_pair_maybe(&lx->gaz, fc, next) ? gaz_walk(&lx->gaz, t->fold, t->len, p, hits, 8) : 0;
        size_t best = nh;
        int lang = ls[li].lang == LANG_ZH_HANT ? LANG_ZH : ls[li].lang;
        while (best-- > 0) {
            const gaz_name *nm = &VEC_AT(&lx->gaz.names, gaz_name, hits[best].name);
            const ev_trigger *tr = &VEC_AT(&lx->triggers, ev_trigger, nm->entity);
            if ((nm->flags & GAZ_LATIN) && sc_is_wordchar(&sc, hits[best].end))
                continue;
            if (tr->lang != LANG_ZH && tr->lang != lang)
                continue;
            break;
        }
        if (best >= nh) {
            p += n;
            continue;
        }
        size_t end = hits[best].end;
        uint32_t tix = VEC_AT(&lx->gaz.names, gaz_name, hits[best].name).entity;
        const ev_trigger *tr = &VEC_AT(&lx->triggers, ev_trigger, tix);
        if (tr->code[0] == '-') {
            p = end; /* a word that contains a trigger but is not one: 外交战略, tiếp tục */
            continue;
        }
        /* the running date: every usable date that ends before the trigger */
        while (ti < ntx && tx[ti].end <= p) {
            if (usable_date(&tx[ti]))
                running = (long)ti;
            ti++;
        }
        size_t s0, s1, c0, c1;
        if (p >= cs0 && p < cs1) {
            s0 = cs0; /* the same sentence as the last trigger */
            s1 = cs1;
        } else {
            sentence_of(t, p, cs1, &s0, &s1);
            cs0 = s0;
            cs1 = s1;
            invites.n = 0;
            if (markers_in(t, &markers, s0, s1))
                find_invitations(t, s0, s1, &invites);
        }
        if (tr->invite && in_invitation(&invites, p)) {
            p = end; /* whose invitation a visit answers: not an event */
            continue;
        }
        if (!strcmp(tr->code, "16") && out->len &&
            !strcmp(VEC_AT(out, ev_found, out->len - 1).code, "08") &&
            VEC_AT(out, ev_found, out->len - 1).start >= clause_start(t, s0, p)) {
            p = end; /* 解除…禁运, lift the embargo: the lifting is the event */
            continue;
        }
        clause_of(t, s0, s1, p, end, &c0, &c1);
        ev_found ev;
        memset(&ev, 0, sizeof ev);
        ev.start = p;
        ev.end = end;
        ev.sent_start = s0;
        ev.sent_end = s1;
        ev.trigger = tix;
        ev.place = -1;
        ev.timex = -1;
        memcpy(ev.code, tr->code, 3);
        if (tr->subj && !subject_before(t, ents, nent, c0, p)) {
            p = end;
            continue;
        }
        /* actors: the clause, else the sentence, else "both sides" of the last event */
        relative_subject(t, &ev, ents, nent, c0);
        pick_actors(e, &ev, ents, nent, c0, c1, p, &invites);
        if (!ev.nactors)
            pick_actors(e, &ev, ents, nent, s0, s1, p, &invites);
        if (!ev.nactors && prev_event >= 0 && has_word(t, s0, s1, &ws_both)) {
            const ev_found *pe = &VEC_AT(out, ev_found, (size_t)prev_event);
            ev.nactors = pe->nactors;
            memcpy(ev.actors, pe->actors, sizeof ev.actors);
        }
        if (!ev.nactors) {
            p = end;
            continue;
        }
        if (!strcmp(tr->code, "04"))
            add_destination(e, &ev, ents, nent, t, c0, c1, p, end);
        /* the date: nearest in the clause, then the sentence, then the running date */
        long best_tx = -1;
        const char *src = NULL;
        size_t j0;
        LOWER_BOUND(tx, ntx, s0, j0);
        size_t best_dist = (size_t)-1;
        for (size_t j = j0; j < ntx && tx[j].start < s1; j++) {
            if (!usable_date(&tx[j]) && !(ref_date(&tx[j]) && tx[j].start >= c0 && tx[j].end <= c1))
                continue;
            if (in_title(t, tx[j].start) || since_date(t, &tx[j], s1) ||
                (in_aside(t, s0, tx[j].start) != in_aside(t, s0, p) && !date_in_parens(t, &tx[j])))
                continue;
            size_t d = tx[j].end <= p ? p - tx[j].end : tx[j].start - end;
            if (tx[j].value[0] == 'X' && tx[j].value[1] == 'X' && tx[j].value[2] == 'X' &&
                tx[j].value[3] == 'X' && !tx[j].value[4])
                d += 50000; /* a year nobody can know loses to any known date */
            int in_clause = tx[j].start >= c0 && tx[j].end <= c1;
            d += in_clause ? 0 : 100000; /* a clause date beats a sentence date */
            if (tx[j].end <= p)
                d /= 2; /* before the trigger reads as its date more often than after */
            if (d < best_dist) {
                best_dist = d;
                best_tx = (long)j;
                src = in_clause ? "clause" : "sentence";
            }
        }
        /* else the running date of the paragraph: a date from another paragraph
         * is more often wrong than right ("no date rather than a wrong one") */
        if (best_tx < 0 && running >= 0 && tx[running].line == li) {
            best_tx = running;
            src = "carried";
        }
        ev.timex = best_tx;
        ev.date_source = src;
        /* status */
        size_t back = p > c0 + 12 ? p - 12 : c0;
        if (has_word(t, c0, p, &ws_planned))
            ev.status = EV_PLANNED;
        if (has_word(t, back, p, &ws_negated))
            ev.status = EV_NEGATED;
        if (tr->deal && has_word(t, c0, c1, &ws_deal))
            memcpy(ev.code, "06", 3);
        /* a joint statement is diplomatic cooperation (GUIDE: 05), not a statement */
        if (!strcmp(ev.code, "01") && has_word(t, c0, c1, &ws_joint))
            memcpy(ev.code, "05", 3);
        /* a warship's visit or a navy's drill is material cooperation, not talks */
        if (!strcmp(ev.code, "04") && has_word(t, c0, c1, &ws_military))
            memcpy(ev.code, "06", 3);
        /* place: a place named after 在 / tại / in within the clause */
        size_t k0;
        LOWER_BOUND(ents, nent, c0, k0);
        for (size_t k = k0; k < nent && ents[k].start < c1 && ev.place < 0; k++) {
            if (ents[k].type != ENT_GPE && ents[k].type != ENT_LOC)
                continue;
            size_t w0 = ents[k].start > c0 + 8 ? ents[k].start - 8 : c0;
            if (has_word(t, w0, ents[k].start, &ws_place))
                ev.place = (long)k;
        }
        /* 访问…访问了美国, 拉夫罗夫在访问中…会谈: one sentence, one happening */
        int dup = 0;
        for (size_t k = out->len; k-- > 0 && !dup;) {
            const ev_found *o = &VEC_AT(out, ev_found, k);
            if (o->sent_start != s0)
                break;
            /* the same leading actor: a destination named once or twice
             * does not make two happenings */
            dup = !strcmp(o->code, ev.code) && o->timex == ev.timex &&
                  (actors_within(ents, &ev, o) || actors_within(ents, o, &ev));
        }
        if (dup) {
            p = end;
            continue;
        }
        ev_found *slot = vec_push(out);
        if (!slot)
            return CHR_ERR_NOMEM;
        *slot = ev;
        prev_event = (long)out->len - 1;
        p = end;
    }
    return CHR_OK;
}
