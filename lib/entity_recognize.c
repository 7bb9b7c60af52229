#define _GNU_SOURCE /* memmem */
#include "entity_recognize.h"
#include "engine.h"
#include "knowledge_base.h"
#include "timex_scan.h"
#include "start_filter.h"
#include "chronicle.h"
#include <stdlib.h>
#include <string.h>

/* One-character abbreviations of countries, as Chinese writes them in 美越关系,
 * 访华, 美方, and the knowledge-base name each stands for. */
/* those that also stand alone after 访, 对, 驻 (访华, 对越); the others start
 * too many ordinary words (对中小企业, 对新技术) */
static const char ALONE_AFTER_VERB[] = "美越华俄日韩朝澳法英德菲泰缅柬苏";
static const char *const ABBREV[][2] = {
    {"美", "美国"}, {"越", "越南"}, {"中", "中国"}, {"华", "中国"}, {"俄", "俄罗斯"},
    {"日", "日本"}, {"韩", "韩国"}, {"朝", "朝鲜"}, {"澳", "澳大利亚"}, {"法", "法国"},
    {"英", "英国"}, {"德", "德国"}, {"印", "印度"}, {"老", "老挝"}, {"柬", "柬埔寨"},
    {"泰", "泰国"}, {"菲", "菲律宾"}, {"缅", "缅甸"}, {"新", "新加坡"}, {"马", "马来西亚"},
    {"苏", "苏联"}, {"古", "古巴"}, {"加", "加拿大"}, {"意", "意大利"}, {"蒙", "蒙古"},
    {"巴", "巴基斯坦"}, {"以", "以色列"}, {"伊", "伊朗"}, {"乌", "乌克兰"}, {"欧", "欧盟"},
    {NULL, NULL}};

/* what follows a country to make one of its bodies (越南 + 外交部), a
 * leader's administration (政府), or a mission abroad (驻) */
static const char *const ZH_ORG_NOUNS[] = {"外交部", "国防部", "公安部", "商务部", "政府", "国会",
    "议会", "海军", "陆军", "空军", "军队", "大使馆", "总领事馆", "领事馆", "使馆", "通讯社",
    "共产党", "国务院", "外交学院", "驻", NULL};

static const char *const ZH_TITLES[] = {"总统", "总理", "首相", "外长", "部长", "国务卿", "主席",
    "总书记", "书记", "大使", "发言人", "副总理", "秘书长", "国王", "议长", "司令", "司令员",
    "副部长", "省长", "市长", "委员", "总司令", "将军", "上将", "中将", "少将", "主任", "局长",
    "领事", "总领事", "参赞", "记者", "教授", "博士", "先生", "女士", "夫人", "总裁", "董事长",
    "特使", "代表", "顾问", "助理", "总长", "部长助理", "副主席", "副总统", "国防部长",
    "外交部长", "常务副总理", "大将", "元帅", "主持人", "编辑", "作者", "王储", "亲王", NULL};

static const char *const VI_SURNAMES[] = {"nguyễn", "trần", "lê", "phạm", "hoàng", "huỳnh",
    "phan", "vũ", "võ", "đặng", "bùi", "đỗ", "hồ", "ngô", "dương", "lý", "tô", "trương", "đinh",
    "lương", "mai", "đoàn", "trịnh", "hà", "cao", "lâm", "quách", "thái", "tạ", "châu", "hứa",
    "kiều", "nông", "vương", "tống", "đào", "lưu", "chu", "mạc", "triệu", "tôn", "khuất",
    "nghiêm", "phùng", "diệp", "giáp", "thân", "lại", "tăng", "khổng", "doãn", "âu", "nguyen",
    "tran", "pham", "hoang", "huynh", "vu", "vo", "dang", "bui", "do", "ngo", "duong", "ly", "to",
    "truong", "dinh", "luong", "doan", "trinh", "ha", "lam", "quach", "thai", "ta", "chau",
    "vuong", "tong", "dao", "luu", "trieu", "phung", NULL};

static const char *const LATIN_TITLES[] = {"president", "prime minister", "pm", "minister",
    "foreign minister", "secretary", "secretary of state", "ambassador", "mr.", "mrs.", "ms.",
    "dr.", "mr", "mrs", "ms", "dr", "general", "chairman", "chairwoman", "spokesperson", "spokeswoman", "spokesman",
    "deputy prime minister", "king", "queen", "senator", "premier", "chancellor",
    "thủ tướng", "tổng thống", "bộ trưởng", "chủ tịch", "chủ tịch nước", "tổng bí thư",
    "đại sứ", "ông", "bà", "phó thủ tướng", "ngoại trưởng", "người phát ngôn", "thứ trưởng",
    "quốc vụ khanh", "phó chủ tịch", "tổng thư ký", "thượng nghị sĩ", "nữ hoàng", "vua",
    "đại tướng", "thượng tướng", "trung tướng", "thiếu tướng", "đô đốc", "tổng lãnh sự",
    "thủ tướng chính phủ", "bí thư", "phó tổng thống", NULL};

static int add_first_word(cpmap *m, const char *w)
{
    size_t n = 0;
    while (w[n] && w[n] != ' ')
        n++;
    return cpmap_put(m, start_filter_hash(w, n), 1);
}

/* The word a known person is called by alone ("President Chirac", "Thủ
 * tướng Chính", "President Xi"): the last word of a Latin name, the first
 * for Chinese and Korean names (family name first). A word two known people
 * share names neither. */
static int add_short_names(struct chr_engine *e, uint32_t idx, const char *cell, int family_first)
{
    for (const char *p = cell; *p;) {
        const char *bar = strchr(p, '|');
        size_t n = bar ? (size_t)(bar - p) : strlen(p);
        const char *sp = memchr(p, ' ', n);
        size_t k;
        if (sp && is_latin_letter(utf8_at(p, n, 0, &k))) {
            const char *w = p;
            size_t wl = (size_t)(sp - p);
            if (!family_first) {
                w = p + n;
                while (w > p && w[-1] != ' ')
                    w--;
                wl = (size_t)(p + n - w);
            }
            uint64_t h = kb_local_hash(e, w, wl) >> 1;
            uint32_t v;
            if (!cpmap_get(&e->kb_short, h, &v)) {
                if (cpmap_put(&e->kb_short, h, idx) < 0)
                    return CHR_ERR_NOMEM;
            } else if (v != idx && v != UINT32_MAX && cpmap_put(&e->kb_short, h, UINT32_MAX) < 0) {
                return CHR_ERR_NOMEM;
            }
        }
        if (!bar)
            break;
        p = bar + 1;
    }
    return CHR_OK;
}

static int build_short_names(struct chr_engine *e)
{
    static const char *const family_first[] = {"CN", "TW", "HK", "MO", "KR", "KP", "SG", NULL};
    cpmap_init(&e->kb_short);
    for (size_t i = 0; i < e->kb.n; i++) {
        const kb_entity *en = &e->kb.ents[i];
        if (en->type != ENT_PERSON)
            continue;
        int ff = 0;
        for (int k = 0; family_first[k]; k++)
            ff |= !strcmp(en->country, family_first[k]);
        if (add_short_names(e, (uint32_t)i, en->name, ff) < 0 || add_short_names(e, (uint32_t)i, en->en, ff) < 0 ||
            add_short_names(e, (uint32_t)i, en->vi, ff) < 0)
            return CHR_ERR_NOMEM;
    }
    return CHR_OK;
}

int entity_engine_init(struct chr_engine *e)
{
    char fold[64];
    if (build_short_names(e) < 0)
        return CHR_ERR_NOMEM;
    cpmap_init(&e->abbrev_of);
    cpmap_init(&e->title_words);
    cpmap_init(&e->surnames);
    for (int i = 0; LATIN_TITLES[i]; i++)
        if (add_first_word(&e->title_words, LATIN_TITLES[i]) < 0)
            return CHR_ERR_NOMEM;
    for (int i = 0; VI_SURNAMES[i]; i++)
        if (add_first_word(&e->surnames, VI_SURNAMES[i]) < 0)
            return CHR_ERR_NOMEM;
    memset(e->zh_title_first, 0, sizeof e->zh_title_first);
    memset(e->zh_org_first, 0, sizeof e->zh_org_first);
    for (int i = 0; ZH_ORG_NOUNS[i]; i++) {
        size_t cl;
        uint32_t cp = utf8_at(ZH_ORG_NOUNS[i], strlen(ZH_ORG_NOUNS[i]), 0, &cl);
        e->zh_org_first[cp >> 3] |= (uint8_t)(1u << (cp & 7));
    }
    e->zh_org_first[' ' >> 3] |= (uint8_t)(1u << (' ' & 7)); /* " administration" */
    memset(e->abbrev_bits, 0, sizeof e->abbrev_bits);
    cpmap_init(&e->zh_title_pairs);
    for (int i = 0; ZH_TITLES[i]; i++) {
        size_t cl, cl2, n = strlen(ZH_TITLES[i]);
        uint32_t cp = utf8_at(ZH_TITLES[i], n, 0, &cl);
        uint32_t cp2 = utf8_at(ZH_TITLES[i], n, cl, &cl2);
        if (cp < 0x10000)
            e->zh_title_first[cp >> 3] |= (uint8_t)(1u << (cp & 7));
        if (cpmap_put(&e->zh_title_pairs, ((uint64_t)cp << 21) | cp2, 1) < 0)
            return CHR_ERR_NOMEM;
    }
    for (int i = 0; ABBREV[i][0] && i < 32; i++) {
        size_t cl;
        uint32_t acp = utf8_at(ABBREV[i][0], strlen(ABBREV[i][0]), 0, &cl);
        if (cpmap_put(&e->abbrev_of, acp, (uint32_t)i) < 0)
            return CHR_ERR_NOMEM;
        e->abbrev_bits[acp >> 3] |= (uint8_t)(1u << (acp & 7));
        e->abbrev[i] = -1;
        size_t n = kb_fold(e, ABBREV[i][1], strlen(ABBREV[i][1]), fold);
        gaz_hit h[8];
        size_t k = gaz_walk(&e->kb.gaz, fold, n, 0, h, 8);
        if (k && h[k - 1].end == n)
            e->abbrev[i] = (long)VEC_AT(&e->kb.gaz.names, gaz_name, h[k - 1].name).entity;
    }
    return CHR_OK;
}

void entity_engine_free(struct chr_engine *e)
{
    cpmap_free(&e->kb_short);
    cpmap_free(&e->abbrev_of);
    cpmap_free(&e->zh_title_pairs);
    cpmap_free(&e->title_words);
    cpmap_free(&e->surnames);
}

typedef struct ctx {
    const struct chr_engine *e;
    const knowledge_base *kb;
    const chr_text *t;
    scan sc;
    vec *out;
    size_t first;
    size_t kb_end;   /* out[first..kb_end) is the knowledge-base pass, sorted */
    uint8_t *cov;    /* one bit per norm byte: inside a found entity */
} ctx;

static uint32_t cp_at(const ctx *c, size_t p, size_t *n)
{
    return sc_cp(&c->sc, p, n);
}

static int add(ctx *c, size_t a, size_t b, long kb, int type, int rank, const char *source)
{
    ent_found *f = vec_push(c->out);
    if (!f)
        return CHR_ERR_NOMEM;
    f->start = a;
    f->end = b;
    f->kb = kb;
    f->type = (uint8_t)type;
    f->rank = (uint8_t)rank;
    f->source = source;
    for (size_t i = a; i < b; i++)
        c->cov[i >> 3] |= (uint8_t)(1u << (i & 7));
    if (kb < 0 && type == ENT_PERSON && is_cjk(cp_at(c, a, &(size_t){0}))) {
        /* 黄春战 and Hoàng Xuân Chiến are one person: the id of a name in
         * Chinese characters is the id of its Sino-Vietnamese reading */
        char reading[256];
        size_t rl = 0, p = a, k;
        int ok = 1;
        while (p < b && ok) {
            const char *r = engine_hanviet(c->e, cp_at(c, p, &k));
            if (!r) {
                ok = 0;
                break;
            }
            size_t rn = strlen(r);
            if (rl + rn + 2 > sizeof reading) {
                ok = 0;
                break;
            }
            if (rl)
                reading[rl++] = ' ';
            memcpy(reading + rl, r, rn);
            rl += rn;
            p += k;
        }
        if (ok) {
            kb_local_id(c->e, reading, rl, f->id);
            return CHR_OK;
        }
    }
    if (kb >= 0) {
        size_t il = strlen(c->kb->ents[kb].id);
        if (il >= sizeof f->id)
            il = sizeof f->id - 1;
        memcpy(f->id, c->kb->ents[kb].id, il);
        f->id[il] = '\0';
    } else
        kb_local_id(c->e, c->t->norm + a, b - a, f->id);
    return CHR_OK;
}

/* The next position at or after p whose character is in bmp (BMP code
 * points); the text is valid UTF-8, so lead bytes give lengths. */
static size_t seek_bmp(const ctx *c, size_t p, const uint8_t *bmp)
{
    const unsigned char *s = (const unsigned char *)c->t->norm;
    size_t len = c->t->len;
    while (p < len) {
        unsigned b = s[p];
        if (b < 0x80) {
            if ((bmp[b >> 3] >> (b & 7)) & 1)
                return p;
            p++;
        } else if (b < 0xE0) {
            if (p + 1 < len) {
                uint32_t cp = ((b & 0x1Fu) << 6) | (s[p + 1] & 0x3Fu);
                if ((bmp[cp >> 3] >> (cp & 7)) & 1)
                    return p;
            }
            p += 2;
        } else if (b < 0xF0) {
            if (p + 2 < len) {
                uint32_t cp = ((b & 0x0Fu) << 12) | ((s[p + 1] & 0x3Fu) << 6) | (s[p + 2] & 0x3Fu);
                if ((bmp[cp >> 3] >> (cp & 7)) & 1)
                    return p;
            }
            p += 3;
        } else {
            p += 4;
        }
    }
    return len;
}

/* The end of the Latin word (letters, digits, marks) at p. */
static size_t word_end(const ctx *c, size_t p)
{
    return gaz_word_end(c->t->fold, c->t->len, p);
}

/* ---- knowledge-base names ---------------------------------------------- */

static int hit_ok(const ctx *c, size_t p, const gaz_hit *h)
{
    const gaz_name *nm = &VEC_AT(&c->kb->gaz.names, gaz_name, h->name);
    const kb_entity *en = &c->kb->ents[nm->entity];
    const char *s = c->t->norm;
    size_t n;
    if (nm->flags & GAZ_LATIN) {
        if (sc_is_wordchar(&c->sc, h->end))
            return 0;
        if ((nm->flags & GAZ_ACRONYM) &&
            (h->end - p != nm->orig_len || memcmp(s + p, nm->orig, nm->orig_len) != 0))
            return 0;
        if (nm->flags & GAZ_CAP) {
            uint32_t cp = cp_at(c, p, &n);
            if (latin_lower(cp) == cp)
                return 0;
        }
        return 1;
    }
    /* 克拉克 inside 迈克尔·迈克拉克: a name that starts in the middle of a
     * transliterated name ("·" a few characters back, transliteration
     * characters all the way) is part of that name, not the person */
    if (en->type == ENT_PERSON && p > 0) {
        size_t q = p, k;
        for (int back = 0; back < 8 && q > 0; back++) {
            q = utf8_prev(s, q);
            uint32_t cp = cp_at(c, q, &k);
            if (cp == 0xB7)
                return 0;
            if (!is_cjk(cp) || !kb_is_translit(c->kb, cp))
                break;
        }
    }
    /* 中国人, 越南人: demonyms are not the country (人民 is, as in 人民军) */
    if (en->type == ENT_GPE && sc_lit(&c->sc, h->end, "人") && !sc_lit(&c->sc, h->end, "人民"))
        return 0;
    return 1;
}

static int pass_kb(ctx *c)
{
    const chr_text *t = c->t;
    const gazetteer *g = &c->kb->gaz;
    size_t p = 0, n, k;
    gaz_hit hits[16];
    while ((p = gaz_seek(g, t->fold, t->len, p)) < t->len) {
        uint32_t fc = utf8_at(t->fold, t->len, p, &n);
        int latin = is_latin_letter(fc);
        if (!latin && !is_cjk(fc)) {
            p += n;
            continue;
        }
        size_t we = latin ? word_end(c, p) : 0;
        if (latin && (sc_glued_before(&c->sc, p) || !gaz_words_maybe(g, t->fold, t->len, p, we))) {
            p = we;
            continue;
        }
        /* most positions open no name with the next character: one bit says so */
        uint32_t next = p + n < t->len ? utf8_at(t->fold, t->len, p + n, &k) : 0;
        size_t nh = gaz_pair_maybe(g, fc, next) ? gaz_walk(g, t->fold, t->len, p, hits, 16) : 0;
        size_t best = nh;
        while (best-- > 0)
            if (hit_ok(c, p, &hits[best]))
                break;
        if (best < nh) {
            const gaz_name *nm = &VEC_AT(&g->names, gaz_name, hits[best].name);
            int r = add(c, p, hits[best].end, (long)nm->entity, c->kb->ents[nm->entity].type, 0, "kb");
            if (r < 0)
                return r;
            p = hits[best].end;
            continue;
        }
        p = latin ? we : p + n;
    }
    return CHR_OK;
}

/* ---- covered positions -------------------------------------------------- */

static int covered(const ctx *c, size_t a, size_t b)
{
    for (size_t i = a; i < b; i++)
        if ((c->cov[i >> 3] >> (i & 7)) & 1)
            return 1;
    return 0;
}

/* ---- one-character country abbreviations ---------------------------------- */

static int abbrev_index(const ctx *c, size_t p, size_t *n)
{
    uint32_t cp = cp_at(c, p, n), i;
    if (!is_cjk(cp) || !cpmap_get(&c->e->abbrev_of, cp, &i))
        return -1;
    return c->e->abbrev[i] >= 0 ? (int)i : -1;
}

static int pass_abbrev(ctx *c)
{
    static const char *const not_pairs[] = {"中华", "中意", "意中", "美意", "加法", "新中", "日新",
        "中老", "老中", "华美", "中美洲", "新马", "马新", "英德", "中法战", "以巴", "英法联军",
        "中日韩", "美美", "中中", "日日", "法法", "华华", "英英", NULL};
    static const char *const before[] = {"访", "来", "赴", "抵", "离", "驻", "对", "援", "抗", "侵",
        "助", NULL};
    static const char *const after[] = {"方", "军", "海军", "陆军", "空军", NULL};
    const chr_text *t = c->t;
    size_t p = 0, n;
    size_t nfound = c->out->len;
    while ((p = seek_bmp(c, p, c->e->abbrev_bits)) < t->len) {
        int a = abbrev_index(c, p, &n);
        if (a < 0 || covered(c, p, p + n)) {
            cp_at(c, p, &n);
            p += n;
            continue;
        }
        /* a run of abbreviations: 美越, 中美俄 */
        size_t q = p + n, m;
        int run = 1;
        while (q < t->len) {
            int b = abbrev_index(c, q, &m);
            if (b < 0 || covered(c, q, q + m))
                break;
            q += m;
            run++;
        }
        int k, bad = 0;
        for (int i = 0; not_pairs[i]; i++)
            if (sc_lit(&c->sc, p, not_pairs[i]))
                bad = 1;
        /* 越来越 (more and more) is not 来越 (come to Vietnam) */
        if (p >= 6 && sc_lit(&c->sc, p - 6, "越来越"))
            bad = 2;
        if (run >= 2 && !bad) {
            /* the same character twice is a word (日日), not two countries */
            size_t s = p;
            while (s < q) {
                int idx = abbrev_index(c, s, &m);
                long en = c->e->abbrev[idx];
                int r = add(c, s, s + m, en, c->kb->ents[en].type, 1, "abbreviation");
                if (r < 0)
                    return r;
                s += m;
            }
            p = q;
            continue;
        }
        int ctx_ok = 0;
        if (run == 1 && bad != 2) {
            size_t pb = p >= 3 ? p - 3 : 0;
            if (p >= 3 && sc_lits(&c->sc, pb, before, &k) == p && strstr(ALONE_AFTER_VERB, ABBREV[a][0]))
                ctx_ok = 1; /* 访华, 对越 */
            if (sc_lits(&c->sc, p + n, after, &k))
                ctx_ok = 1; /* 美方, 美军 */
            if (a == 1 && sc_lit(&c->sc, p + n, "共"))
                ctx_ok = 0; /* 越共 is the party (the knowledge base has it) */
        }
        if (ctx_ok) {
            long en = c->e->abbrev[a];
            int r = add(c, p, p + n, en, c->kb->ents[en].type, 1, "abbreviation");
            if (r < 0)
                return r;
        }
        p = q;
    }
    (void)nfound;
    return CHR_OK;
}

/* ---- names the knowledge base lacks ---------------------------------------- */

static const char *const ZH_SURNAMES =
    "阮陈黎范黄武吴裴杜胡潘丁苏王李张刘杨赵周徐孙朱高林何郭罗梁宋郑谢韩唐冯董萧程曹袁邓许傅沈"
    "曾彭吕蒋蔡贾魏薛叶阎余卢邹田汪钟谭陆汤姚金段邱侯孟龙钱严秦戴石崔毛邵尹顾熊郝孔白廖莫柯"
    "朴洪邢耿甘申卞陶农覃韦翁庄纪温鲍乔贺易章季舒屈项祝殷欧宁蓝尤霍俞涂岳樊齐管雷伍尚凌文马";

static int is_surname(uint32_t cp)
{
    char buf[5] = {0};
    utf8_encode(cp, buf);
    return strstr(ZH_SURNAMES, buf) != NULL;
}

/* characters that end a name: particles and verbs that follow names */
static int name_stop(uint32_t cp)
{
    static const char *const stops = "与和同及在于是的了将对向称说表示会见举行访问出席率领抵达"
                                     "就也都均曾已被把给以等、";
    char buf[5] = {0};
    utf8_encode(cp, buf);
    return !is_cjk(cp) || strstr(stops, buf) != NULL;
}

/* 总统 + 拜登, 发言人 + 范秋姮: a surname-led name of two or three characters */
static int pass_zh_titles(ctx *c)
{
    const chr_text *t = c->t;
    size_t p = 0, n;
    while ((p = seek_bmp(c, p, c->e->zh_title_first)) < t->len) {
        uint32_t t0 = cp_at(c, p, &n), v;
        size_t n0;
        uint32_t t1 = cp_at(c, p + n, &n0);
        int k;
        size_t e = cpmap_get(&c->e->zh_title_pairs, ((uint64_t)t0 << 21) | t1, &v)
                       ? sc_lits(&c->sc, p, ZH_TITLES, &k) : 0;
        if (!e) {
            p += n;
            continue;
        }
        size_t n1, n2, n3;
        uint32_t c1 = cp_at(c, e, &n1);
        if (!is_surname(c1) || covered(c, e, e + n1)) {
            p = e;
            continue;
        }
        uint32_t c2 = cp_at(c, e + n1, &n2);
        uint32_t c3 = cp_at(c, e + n1 + n2, &n3);
        if (name_stop(c2)) {
            p = e;
            continue;
        }
        size_t end = e + n1 + n2;
        if (!name_stop(c3))
            end += n3;
        if (!covered(c, e, end)) {
            int r = add(c, e, end, -1, ENT_PERSON, 3, "title");
            if (r < 0)
                return r;
        }
        p = end;
    }
    return CHR_OK;
}

/* 安东尼·布林肯: transliterated names joined by "·" */
static int pass_translit(ctx *c)
{
    const chr_text *t = c->t;
    const char *dot = "\xc2\xb7";
    size_t p = 0;
    for (;;) {
        const char *hit = memmem(t->norm + p, t->len - p, dot, 2);
        if (!hit)
            break;
        p = (size_t)(hit - t->norm);
        size_t n;
        /* back over transliteration characters (at most six) */
        size_t a = p;
        int back = 0;
        while (a > 0 && back < 6) {
            size_t q = utf8_prev(t->norm, a);
            uint32_t cp = cp_at(c, q, &n);
            if (!is_cjk(cp) || !kb_is_translit(c->kb, cp))
                break;
            a = q;
            back++;
        }
        size_t b = p;
        int segs = 0;
        while (b < t->len && sc_lit(&c->sc, b, dot)) {
            size_t q = b + 2, fwd = 0;
            while (q < t->len && fwd < 8) {
                uint32_t cp = cp_at(c, q, &n);
                if (!is_cjk(cp) || !kb_is_translit(c->kb, cp))
                    break;
                q += n;
                fwd++;
            }
            if (!fwd)
                break;
            b = q;
            segs++;
        }
        if (back && segs && !covered(c, a, b)) {
            int r = add(c, a, b, -1, ENT_PERSON, 3, "transliteration");
            if (r < 0)
                return r;
        }
        p = b > p ? b : p + 2;
    }
    return CHR_OK;
}

/* a capitalised Latin word at p; returns its end or 0 */
static size_t cap_word(const ctx *c, size_t p)
{
    size_t n;
    uint32_t cp = cp_at(c, p, &n);
    if (!is_latin_letter(cp) || latin_lower(cp) == cp)
        return 0;
    size_t q = p;
    while (q < c->t->len && sc_is_wordchar(&c->sc, q)) {
        cp_at(c, q, &n);
        q += n;
    }
    /* joined by a hyphen: Sonexay, Kim Jong-un */
    if (q + 1 < c->t->len && c->t->norm[q] == '-' && is_latin_letter(cp_at(c, q + 1, &n))) {
        q++;
        while (q < c->t->len && sc_is_wordchar(&c->sc, q)) {
            cp_at(c, q, &n);
            q += n;
        }
    }
    return q;
}

/* capitalised words joined by single spaces, at most max */
static size_t cap_run(const ctx *c, size_t p, int max, int *count)
{
    size_t end = cap_word(c, p);
    *count = end ? 1 : 0;
    while (end && *count < max) {
        size_t q = end;
        if (q < c->t->len && c->t->norm[q] == ' ') {
            size_t w = cap_word(c, q + 1);
            if (!w)
                break;
            /* a known name after the person (Thủ tướng Ấn Độ Narendra Modi) is not part of it */
            end = w;
            (*count)++;
        } else {
            break;
        }
    }
    return end;
}

/* "Lao động", "Ngoại giao", "Quốc phòng": a capitalised word and one or two
 * lower-case ones, the portfolio in a Vietnamese title; p when there is none */
static size_t portfolio_end(const ctx *c, size_t p)
{
    size_t w = cap_word(c, p), n;
    if (!w)
        return p;
    /* words that follow a name, never inside a portfolio */
    static const char *const verbs[] = {"tại", "đã", "và", "của", "là", "sẽ", "được", "cũng", "đến",
        "với", "cho", "trong", "khi", "thì", "có", "này", "đang", "vừa", "mới", "nói", "cùng", "về",
        "sang", "tới", "từ", "ở", "nhấn", "cho biết", "khẳng định", NULL};
    int lower = 0, k;
    while (lower < 2 && w < c->t->len && c->t->norm[w] == ' ') {
        uint32_t cp = cp_at(c, w + 1, &n);
        if (!is_latin_letter(cp) || latin_lower(cp) != cp || (!lower && sc_words(&c->sc, w + 1, verbs, &k)))
            break;
        size_t e = w + 1;
        while (e < c->t->len && sc_is_wordchar(&c->sc, e)) {
            cp_at(c, e, &n);
            e += n;
        }
        w = e;
        lower++;
    }
    /* a name (or a place) must follow: "Chirac đã sang" is a name and a verb */
    if (!lower || w + 1 >= c->t->len || c->t->norm[w] != ' ' || !cap_word(c, w + 1))
        return p;
    return w;
}

/* a knowledge-base name starting at p (binary search over that pass) */
static int known_start(const ctx *c, size_t p, size_t *end)
{
    const ent_found *f = c->out->data;
    size_t lo = c->first, hi = c->kb_end;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (f[mid].start < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < c->kb_end && f[lo].start == p) {
        *end = f[lo].end;
        return 1;
    }
    return 0;
}

/* Thủ tướng Phạm Minh Chính, President Yoon Suk Yeol, Nguyễn Thanh Hải */
static int pass_latin_names(ctx *c)
{
    const chr_text *t = c->t;
    size_t p = 0, n;
    const unsigned char *u = (const unsigned char *)t->norm;
    while (p < t->len) {
        /* Latin letters are ASCII, two-byte, or U+1Exx (lead byte E1) */
        if (u[p] >= 0xE0 && u[p] != 0xE1) {
            p += u[p] >= 0xF0 ? 4 : 3;
            continue;
        }
        if (u[p] < 0x80 && !((u[p] | 32) >= 'a' && (u[p] | 32) <= 'z')) {
            p++;
            continue;
        }
        uint32_t cp = cp_at(c, p, &n);
        if (!is_latin_letter(cp) || sc_glued_before(&c->sc, p)) {
            p += n;
            continue;
        }
        int k;
        /* one hash of the word decides whether the tables need a look */
        size_t we = word_end(c, p);
        uint32_t v;
        uint64_t h = start_filter_hash(t->fold + p, we - p);
        int maybe_title = cpmap_get(&c->e->title_words, h, &v);
        int maybe_surname = cpmap_get(&c->e->surnames, h, &v);
        if (!maybe_title && !maybe_surname) {
            p = we > p ? we : p + 1;
            continue;
        }
        size_t e = maybe_title ? sc_words(&c->sc, p, LATIN_TITLES, &k) : 0;
        size_t name_at = 0;
        if (e && e < t->len && t->norm[e] == ' ') {
            name_at = e + 1;
            /* skip what stands between title and person: a country or body
             * (Đại sứ Ấn Độ …), a post (tại Việt Nam), a portfolio (Bộ trưởng
             * Lao động Michel Sapin, Quốc vụ khanh Ngoại giao …) */
            for (int step = 0; step < 6; step++) {
                size_t kend, q = name_at;
                if (known_start(c, q, &kend))
                    q = kend;
                else if ((kend = sc_word(&c->sc, q, "tại")) && kend + 1 < t->len &&
                         known_start(c, kend + 1, &kend))
                    q = kend;
                else
                    q = portfolio_end(c, q);
                if (q == name_at || q >= t->len || t->norm[q] != ' ')
                    break;
                name_at = q + 1;
            }
        } else if (maybe_surname && latin_lower(cp) != cp) {
            name_at = p;
        }
        if (name_at && !covered(c, name_at, name_at + 1)) {
            int words;
            size_t end = cap_run(c, name_at, 4, &words);
            int by_title = name_at != p;
            int vi_start = sc_words(&c->sc, name_at, VI_SURNAMES, &k) != 0;
            /* without a title, a Vietnamese name has two to four syllables */
            if (end && (by_title || (vi_start && words >= 2)) && !covered(c, name_at, end)) {
                int r = add(c, name_at, end, -1, ENT_PERSON, 3, by_title ? "title" : "name");
                if (r < 0)
                    return r;
                p = end;
                continue;
            }
        }
        p = word_end(c, p);
    }
    return CHR_OK;
}

/* 阮富仲(Nguyen Phu Trong): the same person written twice */
static int pass_parentheses(ctx *c)
{
    size_t count = c->out->len;
    for (size_t i = c->first; i < count; i++) {
        ent_found f = VEC_AT(c->out, ent_found, i);
        if (f.type != ENT_PERSON)
            continue;
        size_t p = f.end;
        if (p >= c->t->len || c->t->norm[p] != '(')
            continue;
        int words;
        size_t end = cap_run(c, p + 1, 5, &words);
        if (!end || end >= c->t->len || c->t->norm[end] != ')' || covered(c, p + 1, end))
            continue;
        int r = add(c, p + 1, end, f.kb, ENT_PERSON, 2, "parenthesis");
        if (r < 0)
            return r;
        memcpy(VEC_AT(c->out, ent_found, c->out->len - 1).id, f.id, sizeof f.id);
    }
    return CHR_OK;
}

/* f grows to end e and becomes an organisation of its own */
static void to_org(ctx *c, ent_found *f, size_t e)
{
    for (size_t j = f->end; j < e; j++)
        c->cov[j >> 3] |= (uint8_t)(1u << (j & 7));
    f->end = e;
    f->type = ENT_ORG;
    f->kb = -1;
    f->source = "compound";
    kb_local_id(c->e, c->t->norm + f->start, f->end - f->start, f->id);
}

/* 越南 + 外交部 -> ORG 越南外交部 */
static int pass_zh_org(ctx *c)
{
    const char *const *nouns = ZH_ORG_NOUNS;
    static const char *const services[] = {"海军", "陆军", "空军", NULL};
    size_t count = c->out->len;
    for (size_t i = c->first; i < count; i++) {
        ent_found *f = &VEC_AT(c->out, ent_found, i);
        /* most names are followed by none of these: one bit says so */
        size_t n;
        uint32_t next = f->end < c->t->len ? cp_at(c, f->end, &n) : 0;
        if (next >= 0x10000 || !((c->e->zh_org_first[next >> 3] >> (next & 7)) & 1))
            continue;
        int k;
        if (f->type == ENT_PERSON && f->kb >= 0) {
            /* 奥巴马政府, the Obama administration: the government a leader heads */
            size_t e = sc_lit(&c->sc, f->end, "政府") ? f->end + 6
                       : sc_lit(&c->sc, f->end, " administration") ? f->end + 15 : 0;
            if (e && !covered(c, f->end, e))
                to_org(c, f, e);
            continue;
        }
        if (f->type != ENT_GPE)
            continue;
        if (f->end - f->start < 6) {
            /* 俄海军, 美空军: a one-character country and its service (美军 stays the country) */
            size_t e = sc_lits(&c->sc, f->end, services, &k);
            if (e && !covered(c, f->end, e))
                to_org(c, f, e);
            continue;
        }
        size_t e = sc_lits(&c->sc, f->end, nouns, &k);
        if (e && !strcmp(nouns[k], "驻")) {
            /* 美国驻越南大使馆, 越南驻釜山总领事馆: the mission, with its host inside */
            static const char *const missions[] = {"大使馆", "总领事馆", "领事馆", "使馆", "代表处", NULL};
            for (size_t q = e; q <= e + 15 && q < c->t->len; q += 3) {
                size_t m = sc_lits(&c->sc, q, missions, &k);
                if (m) {
                    to_org(c, f, m);
                    break;
                }
                if ((unsigned char)c->t->norm[q] < 0xE0)
                    break; /* the host is written in Chinese characters */
            }
            continue;
        }
        if (!e || covered(c, f->end, e))
            continue;
        to_org(c, f, e);
    }
    return CHR_OK;
}

/* a person named in full once is named by the last part of it later:
 * Blinken, Chính, 布林肯. Each distinct last part is searched for once. */
static int pass_propagate(ctx *c)
{
    const char *s = c->t->norm;
    size_t count = c->out->len;
    enum { MAX_KEYS = 64 };
    size_t keys[MAX_KEYS][2];
    size_t from[MAX_KEYS];
    int nk = 0;
    for (size_t i = c->first; i < count && nk < MAX_KEYS; i++) {
        ent_found f = VEC_AT(c->out, ent_found, i);
        if (f.type != ENT_PERSON)
            continue;
        size_t last = f.end;
        while (last > f.start && s[last - 1] != ' ' && (unsigned char)s[last - 1] != 0xB7)
            last--;
        if (last == f.start || f.end - last < 3)
            continue;
        /* Korean and Chinese names in Latin letters lead with the surname */
        size_t fe = f.start;
        while (fe < f.end && s[fe] != ' ')
            fe++;
        uint32_t v;
        int three = 0;
        for (size_t q = f.start; q < f.end; q++)
            three += s[q] == ' ';
        if (three == 2 && fe - f.start >= 3 &&
            !cpmap_get(&c->e->surnames, start_filter_hash(c->t->fold + f.start, fe - f.start), &v) &&
            nk < MAX_KEYS - 1) {
            keys[nk][0] = f.start;
            keys[nk][1] = fe;
            from[nk] = i;
            nk++;
        }
        int dup = 0;
        for (int k = 0; k < nk && !dup; k++)
            dup = keys[k][1] - keys[k][0] == f.end - last &&
                  !memcmp(s + keys[k][0], s + last, f.end - last);
        if (dup)
            continue;
        keys[nk][0] = last;
        keys[nk][1] = f.end;
        from[nk] = i;
        nk++;
    }
    if (!nk)
        return CHR_OK;
    /* one pass over the text: only positions whose character opens a key */
    uint32_t firsts[MAX_KEYS];
    uint8_t opener[0x10000 / 8];
    memset(opener, 0, sizeof opener);
    for (int k = 0; k < nk; k++) {
        size_t m;
        firsts[k] = utf8_at(s, c->t->len, keys[k][0], &m);
        if (firsts[k] < 0x10000)
            opener[firsts[k] >> 3] |= (uint8_t)(1u << (firsts[k] & 7));
    }
    size_t p = 0, m;
    while ((p = seek_bmp(c, p, opener)) < c->t->len) {
        uint32_t cp = cp_at(c, p, &m);
        if ((c->cov[p >> 3] >> (p & 7)) & 1) {
            p += m;
            continue;
        }
        size_t best_end = 0;
        int best = -1;
        for (int k = 0; k < nk; k++) {
            size_t wl = keys[k][1] - keys[k][0];
            if (firsts[k] != cp || p + wl > c->t->len || memcmp(s + p, s + keys[k][0], wl))
                continue;
            if (p + wl > best_end && !sc_glued_before(&c->sc, p) &&
                !(is_latin_letter(cp) && sc_is_wordchar(&c->sc, p + wl)))
                best_end = p + wl, best = k;
        }
        if (best >= 0 && !covered(c, p, best_end)) {
            ent_found f = VEC_AT(c->out, ent_found, from[best]);
            int r = add(c, p, best_end, f.kb, ENT_PERSON, 4, "propagated");
            if (r < 0)
                return r;
            memcpy(VEC_AT(c->out, ent_found, c->out->len - 1).id, f.id, sizeof f.id);
            p = best_end;
            continue;
        }
        p += m;
    }
    return CHR_OK;
}

/* the diacritic-blind id of one word of a name */
static void word_id(const ctx *c, size_t a, size_t b, char *out)
{
    kb_local_id(c->e, c->t->norm + a, b - a, out);
}

/* PM Chinh, President Yoon: a one-word name takes the id of the person in
 * the document whose first or last word it is, when only one fits. One map
 * from word to person keeps this linear. */
static int link_short_names(ctx *c)
{
    ent_found *f = c->out->data;
    size_t n = c->out->len;
    const char *s = c->t->norm;
    cpmap words; /* hash of a word's id -> index of its person, or UINT32_MAX when two fit */
    cpmap_init(&words);
    char id[20];
    for (size_t j = c->first; j < n; j++) {
        if (f[j].type != ENT_PERSON || !memchr(s + f[j].start, ' ', f[j].end - f[j].start))
            continue;
        size_t a = f[j].start, b = f[j].end, fe = a, ls = b;
        while (fe < b && s[fe] != ' ')
            fe++;
        while (ls > a && s[ls - 1] != ' ')
            ls--;
        size_t span[2][2] = {{a, fe}, {ls, b}};
        for (int k = 0; k < 2; k++) {
            word_id(c, span[k][0], span[k][1], id);
            uint64_t h = start_filter_hash(id, strlen(id));
            uint32_t v;
            if (cpmap_get(&words, h, &v)) {
                if (v != UINT32_MAX && strcmp(f[v].id, f[j].id) && cpmap_put(&words, h, UINT32_MAX) < 0)
                    goto nomem;
            } else if (cpmap_put(&words, h, (uint32_t)j) < 0) {
                goto nomem;
            }
        }
    }
    for (size_t i = c->first; i < n; i++) {
        if (f[i].type != ENT_PERSON || f[i].kb >= 0 || memchr(s + f[i].start, ' ', f[i].end - f[i].start))
            continue;
        word_id(c, f[i].start, f[i].end, id);
        uint32_t v;
        uint64_t h = start_filter_hash(id, strlen(id));
        if (cpmap_get(&words, h, &v) && v != UINT32_MAX && v != i) {
            memcpy(f[i].id, f[v].id, sizeof f[i].id);
            f[i].kb = f[v].kb;
        } else if (cpmap_get(&c->e->kb_short, kb_local_hash(c->e, s + f[i].start, f[i].end - f[i].start) >> 1, &v) &&
                   v != UINT32_MAX &&
                   is_latin_letter(cp_at(c, f[i].start, &(size_t){0}))) {
            /* nobody in the document: the one known person called so */
            const char *kid = c->kb->ents[v].id;
            size_t il = strlen(kid) < sizeof f[i].id - 1 ? strlen(kid) : sizeof f[i].id - 1;
            memcpy(f[i].id, kid, il);
            f[i].id[il] = '\0';
            f[i].kb = (long)v;
        }
    }
    cpmap_free(&words);
    return CHR_OK;
nomem:
    cpmap_free(&words);
    return CHR_ERR_NOMEM;
}

static int by_start(const void *x, const void *y)
{
    const ent_found *a = x, *b = y;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    if (a->end != b->end)
        return a->end > b->end ? -1 : 1;
    return (int)a->rank - (int)b->rank;
}

int entity_find(const struct chr_engine *e, const chr_text *t, vec *out, vec *bits, vec *spill)
{
    ctx c;
    memset(&c, 0, sizeof c);
    c.e = e;
    c.kb = &e->kb;
    c.t = t;
    c.sc.s = t->norm;
    c.sc.f = t->fold;
    c.sc.len = t->len;
    c.out = out;
    c.first = out->len;
    if (vec_reserve(bits, t->len / 8 + 1) < 0)
        return CHR_ERR_NOMEM;
    c.cov = bits->data;
    memset(c.cov, 0, t->len / 8 + 1);
    int r = pass_kb(&c);
    c.kb_end = out->len;
    if (r < 0 || (r = pass_abbrev(&c)) < 0 || (r = pass_zh_titles(&c)) < 0 ||
        (r = pass_translit(&c)) < 0 || (r = pass_latin_names(&c)) < 0 ||
        (r = pass_parentheses(&c)) < 0 || (r = pass_zh_org(&c)) < 0 ||
        (r = pass_propagate(&c)) < 0)
        return r;
    if ((r = link_short_names(&c)) < 0)
        return r;
    size_t n = out->len - c.first;
    if (!n)
        return CHR_OK;
    ent_found *f = (ent_found *)out->data + c.first;
    /* the knowledge-base pass is in order already: sort what the rules added
     * and merge the two runs */
    size_t nk = c.kb_end - c.first, nr = n - nk;
    if (nr > 1)
        qsort(f + nk, nr, sizeof *f, by_start);
    if (nk && nr) {
        /* merge from the back, with only the (fewer) rule finds set aside */
        if (vec_reserve(spill, nr) < 0)
            return CHR_ERR_NOMEM;
        ent_found *m = spill->data;
        memcpy(m, f + nk, nr * sizeof *m);
        size_t i = nk, j = nr, k = n;
        while (j > 0) {
            if (i > 0 && by_start(&f[i - 1], &m[j - 1]) > 0)
                f[--k] = f[--i];
            else
                f[--k] = m[--j];
        }
    }
    size_t w = 0;
    for (size_t i = 0; i < n; i++) {
        if (w && f[i].start < f[w - 1].end)
            continue; /* overlaps a longer or earlier one */
        f[w++] = f[i];
    }
    out->len = c.first + w;
    return CHR_OK;
}
