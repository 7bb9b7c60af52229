/* chronicle: command-line front end of libchronicle.
 *
 *   chronicle annotate FILE... [--dct YYYY-MM-DD] [--lang zh|vi|en]
 *                              [--format json|jsonl|text] [--data DIR]
 *   chronicle timeline FILE... [--format text|json] [--dct YYYY-MM-DD] [--data DIR]
 *   chronicle index DIR [--out FILE] [--ext md,txt] [--max-bytes N] [--format text|json]
 *   chronicle query INDEX (--entity NAME|ID | --related FILE:LINE | --files |
 *                          --timeline [--from DATE] [--to DATE] [--actor NAME|ID]) [--format json|text]
 *   chronicle version
 *
 * Exit status: 0 success (warnings go to stderr), 1 an input could not be
 * read, 2 bad usage, 3 the engine could not start (data missing). */
#define _POSIX_C_SOURCE 200809L
#include "chronicle.h"
#include "engine.h"
#include "hash.h"
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cjson/cJSON.h>

static void usage(FILE *f)
{
    fputs("usage: chronicle annotate FILE... [--dct YYYY-MM-DD] [--lang zh|vi|en]\n"
          "                          [--format json|jsonl|text] [--data DIR]\n"
          "       chronicle timeline FILE... [--format text|json] [--dct YYYY-MM-DD]\n"
          "       chronicle index DIR [--out FILE] [--ext md,txt] [--max-bytes N] [--format text|json]\n"
          "       chronicle query INDEX --entity NAME|ID | --related FILE:LINE [--byte N] | --files |\n"
          "                       --timeline [--from DATE] [--to DATE] [--actor NAME|ID]\n"
          "                       [--limit N] [--format json|text]\n"
          "       chronicle prepare-data [DIR]   (make runs it: saves DIR/kb.names.bin for fast start-up)\n"
          "       chronicle version\n"
          "FILE '-' reads standard input; several files print JSON Lines.\n",
          f);
}

/* The data folder: CHRONICLE_DATA, else data/ of the source tree the binary
 * was built in (build/chronicle, build/dev/chronicle), else an installed
 * share/chronicle/data. buf holds PATH_MAX + 64 bytes. */
static const char *default_data_dir(char *buf, size_t n)
{
    const char *env = getenv("CHRONICLE_DATA");
    if (env && *env)
        return env;
    char exe[PATH_MAX - 64];
    ssize_t k = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (k <= 0)
        return NULL;
    exe[k] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    static const char *const rel[] = {"/../data", "/../../data", "/../share/chronicle/data"};
    for (size_t i = 0; i < sizeof rel / sizeof *rel; i++) {
        char probe[PATH_MAX + 128];
        struct stat st;
        snprintf(buf, n, "%s%s", exe, rel[i]);
        snprintf(probe, sizeof probe, "%s/t2s.tsv", buf);
        if (stat(probe, &st) == 0)
            return buf;
    }
    return NULL;
}

/* The engine on --data DIR, else the default data folder; NULL (and a
 * message) when it cannot start. */
static chr_engine *start_engine(const char *data)
{
    char dbuf[PATH_MAX + 64];
    if (!data)
        data = default_data_dir(dbuf, sizeof dbuf);
    chr_error err;
    chr_engine *eng = chr_engine_new(data, &err);
    if (!eng)
        fprintf(stderr, "chronicle: cannot start: %s\n", err.message);
    return eng;
}

static char *read_stream(FILE *f, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    for (;;) {
        if (n == cap) {
            if (cap > ((size_t)-1) / 2) {
                free(buf);
                errno = EFBIG;
                return NULL;
            }
            char *nb = realloc(buf, cap * 2);
            if (!nb) {
                free(buf);
                errno = ENOMEM;
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
        size_t k = fread(buf + n, 1, cap - n, f);
        n += k;
        if (k == 0)
            break;
    }
    if (ferror(f)) {
        free(buf);
        errno = EIO;
        return NULL;
    }
    *len = n;
    return buf;
}

static char *read_input(const char *path, size_t *len, char *why, size_t whylen)
{
    if (!strcmp(path, "-")) {
        char *b = read_stream(stdin, len);
        if (!b)
            snprintf(why, whylen, "cannot read standard input: %s", strerror(errno));
        return b;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(why, whylen, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        snprintf(why, whylen, "%s is a directory (annotate takes files)", path);
        return NULL;
    }
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(why, whylen, "cannot open %s: %s", path, strerror(errno));
        return NULL;
    }
    char *b = read_stream(f, len);
    int e = errno;
    fclose(f);
    if (!b)
        snprintf(why, whylen, "cannot read %s: %s", path, strerror(e));
    return b;
}

/* 1-based line and character column of a byte offset */
static void line_col(const char *s, size_t off, size_t *line, size_t *col)
{
    size_t l = 1, c = 1;
    for (size_t i = 0; i < off; i++) {
        if (s[i] == '\n') {
            l++;
            c = 1;
        } else if (((unsigned char)s[i] & 0xC0) != 0x80) {
            c++;
        }
    }
    *line = l;
    *col = c;
}

static void print_clean(const char *s)
{
    for (; *s; s++)
        putchar(*s == '\n' || *s == '\t' ? ' ' : *s);
}

static void print_text(const char *path, const char *text, chr_result *r)
{
    printf("# %s  lang=%s  dct=%s (%s)\n", path, chr_result_lang(r),
           chr_result_dct(r) ? chr_result_dct(r) : "none",
           chr_result_dct_source(r) ? chr_result_dct_source(r) : "-");
    /* merge the three kinds in text order with one incremental line count */
    size_t n[3] = {chr_result_count(r, CHR_ENTITY), chr_result_count(r, CHR_TIMEX),
                   chr_result_count(r, CHR_EVENT)};
    size_t idx[3] = {0, 0, 0};
    size_t pos = 0, line = 1, col = 1;
    for (;;) {
        int best = -1;
        size_t bstart = (size_t)-1;
        chr_entity_view en;
        chr_timex_view tx;
        chr_event_view ev;
        if (idx[0] < n[0] && chr_result_entity(r, idx[0], &en) == CHR_OK && en.start < bstart)
            best = 0, bstart = en.start;
        if (idx[1] < n[1] && chr_result_timex(r, idx[1], &tx) == CHR_OK && tx.start < bstart)
            best = 1, bstart = tx.start;
        if (idx[2] < n[2] && chr_result_event(r, idx[2], &ev) == CHR_OK && ev.start < bstart)
            best = 2, bstart = ev.start;
        if (best < 0)
            break;
        size_t dl, dc;
        line_col(text + pos, bstart - pos, &dl, &dc);
        if (dl > 1) {
            line += dl - 1;
            col = dc;
        } else {
            col += dc - 1;
        }
        pos = bstart;
        printf("%zu:%zu\t", line, col);
        if (best == 0) {
            printf("%s\t", en.type);
            print_clean(en.text);
            printf("\t%s\t%s\n", en.id ? en.id : "-", en.name ? en.name : "-");
        } else if (best == 1) {
            printf("%s\t", tx.type);
            print_clean(tx.text);
            printf("\t%s", tx.value);
            if (tx.mod)
                printf(" mod=%s", tx.mod);
            if (tx.end_value)
                printf(" end=%s", tx.end_value);
            putchar('\n');
        } else {
            printf("EVENT %s\t", ev.type);
            print_clean(ev.trigger);
            printf("\t%s\t%s\n", ev.label ? ev.label : "-", ev.date ? ev.date : "-");
        }
        idx[best]++;
    }
}

/* "--name VALUE" options of a command: name and where its value goes */
typedef struct cli_opt {
    const char *name;
    const char **value;
} cli_opt;

/* Takes the option at argv[*i] when it is one of opts (moving *i past its
 * value): 1. Not an option (a file, or "-" for stdin): 0. An unknown option
 * or a missing value: -1, with the message printed. */
static int take_option(const cli_opt *opts, int argc, char **argv, int *i)
{
    const char *a = argv[*i];
    if (a[0] != '-' || !a[1])
        return 0;
    for (const cli_opt *o = opts; o->name; o++) {
        if (strcmp(a, o->name))
            continue;
        if (*i + 1 >= argc) {
            fprintf(stderr, "chronicle: %s needs a value\n", a);
            return -1;
        }
        *o->value = argv[++*i];
        return 1;
    }
    fprintf(stderr, "chronicle: unknown option %s (chronicle help lists them)\n", a);
    return -1;
}

static int cmd_annotate(int argc, char **argv)
{
    const char *dct = NULL, *lang = NULL, *format = NULL, *data = NULL;
    const char **files = calloc((size_t)argc + 1, sizeof *files);
    int nfiles = 0;
    if (!files) {
        fprintf(stderr, "chronicle: out of memory\n");
        return 3;
    }
    const cli_opt opts[] = {{"--dct", &dct}, {"--lang", &lang}, {"--format", &format}, {"--data", &data},
                            {NULL, NULL}};
    for (int i = 0; i < argc; i++) {
        int r = take_option(opts, argc, argv, &i);
        if (r < 0) {
            free(files);
            return 2;
        }
        if (r == 0)
            files[nfiles++] = argv[i];
    }
    if (!nfiles) {
        usage(stderr);
        free(files);
        return 2;
    }
    if (!format)
        format = nfiles > 1 ? "jsonl" : "json";
    if (strcmp(format, "json") && strcmp(format, "jsonl") && strcmp(format, "text")) {
        fprintf(stderr, "chronicle: unknown format '%s' (json, jsonl or text)\n", format);
        free(files);
        return 2;
    }
    if (lang && strcmp(lang, "zh") && strcmp(lang, "vi") && strcmp(lang, "en") &&
        strcmp(lang, "zh-Hant")) {
        fprintf(stderr, "chronicle: unknown language '%s' (zh, zh-Hant, vi or en)\n", lang);
        free(files);
        return 2;
    }
    chr_error err;
    chr_engine *eng = start_engine(data);
    if (!eng) {
        free(files);
        return 3;
    }
    chr_options opt = {dct, lang, 0};
    int status = 0;
    for (int i = 0; i < nfiles; i++) {
        char why[512];
        size_t len = 0;
        char *text = read_input(files[i], &len, why, sizeof why);
        if (!text) {
            fprintf(stderr, "chronicle: %s\n", why);
            status = 1;
            continue;
        }
        if (len == 0)
            fprintf(stderr, "chronicle: %s: empty file\n", files[i]);
        chr_result *r = chr_annotate(eng, text, len, &opt, &err);
        if (!r) {
            fprintf(stderr, "chronicle: %s: %s\n", files[i], err.message);
            free(text);
            status = err.code == CHR_ERR_ARG ? 2 : 1;
            if (err.code == CHR_ERR_ARG)
                break;
            continue;
        }
        size_t ninv = chr_result_invalid_count(r);
        if (ninv) {
            size_t a, b;
            chr_result_invalid_range(r, 0, &a, &b);
            fprintf(stderr, "chronicle: %s: invalid UTF-8 at byte %zu", files[i], a);
            if (ninv > 1)
                fprintf(stderr, " and %zu more place%s", ninv - 1, ninv > 2 ? "s" : "");
            fprintf(stderr, "; annotated the rest\n");
        }
        if (!strcmp(format, "text")) {
            print_text(files[i], text, r);
        } else {
            size_t jl;
            const char *j = chr_result_json(r, &jl);
            if (!j) {
                fprintf(stderr, "chronicle: %s: out of memory writing JSON\n", files[i]);
                status = 1;
            } else if (!strcmp(format, "jsonl") && nfiles > 1) {
                /* one object a line, with the file it came from */
                printf("{\"file\":");
                putchar('"');
                for (const char *c = files[i]; *c; c++) {
                    if (*c == '"' || *c == '\\')
                        putchar('\\');
                    putchar(*c);
                }
                printf("\",%s\n", j + 1);
            } else {
                fwrite(j, 1, jl, stdout);
                putchar('\n');
            }
        }
        chr_result_free(r);
        free(text);
    }
    chr_engine_free(eng);
    free(files);
    if (fflush(stdout) != 0) {
        fprintf(stderr, "chronicle: write error: %s\n", strerror(errno));
        return 1;
    }
    return status;
}

typedef struct loaded {
    const char *path;
    char *text;
    size_t len;
} loaded;

/* the events of several files in date order, the same event told twice merged */
static int cmd_timeline(int argc, char **argv)
{
    const char *dct = NULL, *format = "text", *data = NULL;
    loaded *files = calloc((size_t)argc + 1, sizeof *files);
    int nfiles = 0, status = 0;
    if (!files)
        return 3;
    const cli_opt opts[] = {{"--dct", &dct}, {"--format", &format}, {"--data", &data}, {NULL, NULL}};
    for (int i = 0; i < argc; i++) {
        int r = take_option(opts, argc, argv, &i);
        if (r < 0) {
            free(files);
            return 2;
        }
        if (r == 0)
            files[nfiles++].path = argv[i];
    }
    if (!nfiles || (strcmp(format, "text") && strcmp(format, "json"))) {
        if (nfiles)
            fprintf(stderr, "chronicle: unknown format '%s' (text or json)\n", format);
        usage(stderr);
        free(files);
        return 2;
    }
    chr_error err;
    chr_engine *eng = start_engine(data);
    chr_timeline *tl = eng ? chr_timeline_new(&err) : NULL;
    if (!eng || !tl) {
        if (eng)
            fprintf(stderr, "chronicle: cannot start: %s\n", err.message);
        chr_engine_free(eng);
        free(files);
        return 3;
    }
    chr_options opt = {dct, NULL, 0};
    for (int i = 0; i < nfiles; i++) {
        char why[512];
        files[i].text = read_input(files[i].path, &files[i].len, why, sizeof why);
        if (!files[i].text) {
            fprintf(stderr, "chronicle: %s\n", why);
            status = 1;
            continue;
        }
        chr_result *r = chr_annotate(eng, files[i].text, files[i].len, &opt, &err);
        if (!r || chr_timeline_add(tl, r, files[i].path) != CHR_OK) {
            fprintf(stderr, "chronicle: %s: %s\n", files[i].path, r ? "out of memory" : err.message);
            status = 1;
        }
        chr_result_free(r);
    }
    if (chr_timeline_build(tl) != CHR_OK) {
        fprintf(stderr, "chronicle: out of memory building the timeline\n");
        status = 1;
    } else if (!strcmp(format, "json")) {
        size_t jl;
        const char *j = chr_timeline_json(tl, &jl);
        if (j) {
            fwrite(j, 1, jl, stdout);
            putchar('\n');
        } else {
            status = 1;
        }
    } else {
        for (size_t i = 0; i < chr_timeline_count(tl); i++) {
            chr_timeline_view v;
            chr_timeline_entry(tl, i, &v);
            printf("%-12s %s %-20s", v.date, v.type, v.label);
            for (size_t k = 0; k < v.n_actors; k++)
                printf("%s%s", k ? ", " : " ", v.actor_names[k]);
            putchar('\n');
            for (size_t k = 0; k < v.n_sources; k++) {
                const chr_timeline_source *s = &v.sources[k];
                size_t line = 0, col = 0;
                for (int f = 0; f < nfiles; f++)
                    if (files[f].text && !strcmp(files[f].path, s->doc) && s->start <= files[f].len)
                        line_col(files[f].text, s->start, &line, &col);
                printf("    %s:%zu:%zu  ", s->doc, line, col);
                print_clean(s->trigger);
                if (strcmp(s->status, "happened"))
                    printf("  (%s)", s->status);
                putchar('\n');
            }
        }
    }
    chr_timeline_free(tl);
    chr_engine_free(eng);
    for (int i = 0; i < nfiles; i++)
        free(files[i].text);
    free(files);
    return status;
}

/* $XDG_CACHE_HOME/chronicle/index-<hash of the folder>.bin */
static int default_cache(const char *dir, char *out, size_t n)
{
    char real[PATH_MAX];
    if (!realpath(dir, real))
        return -1;
    const char *base = getenv("XDG_CACHE_HOME");
    char home[PATH_MAX];
    if (!base || !*base) {
        const char *h = getenv("HOME");
        if (!h)
            return -1;
        snprintf(home, sizeof home, "%s/.cache", h);
        base = home;
    }
    char d[PATH_MAX + 16];
    snprintf(d, sizeof d, "%s/chronicle", base);
    mkdir(base, 0755);
    mkdir(d, 0755);
    unsigned long long h = fnv64(real, strlen(real));
    return snprintf(out, n, "%s/index-%016llx.bin", d, h) >= (int)n ? -1 : 0;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int cmd_index(int argc, char **argv)
{
    const char *dir = NULL, *out = NULL, *ext = NULL, *maxb = NULL, *format = "text", *data = NULL;
    const cli_opt opts[] = {{"--out", &out}, {"--ext", &ext}, {"--max-bytes", &maxb}, {"--format", &format},
                            {"--data", &data}, {NULL, NULL}};
    for (int i = 0; i < argc; i++) {
        int r = take_option(opts, argc, argv, &i);
        if (r < 0)
            return 2;
        if (r == 0 && !dir) {
            dir = argv[i];
        } else if (r == 0) {
            fprintf(stderr, "chronicle: index takes one folder\n");
            return 2;
        }
    }
    if (!dir || (strcmp(format, "text") && strcmp(format, "json"))) {
        usage(stderr);
        return 2;
    }
    char cache[PATH_MAX + 64];
    if (!out) {
        if (default_cache(dir, cache, sizeof cache) < 0) {
            fprintf(stderr, "chronicle: cannot open folder %s: %s\n", dir, strerror(errno));
            return 1;
        }
        out = cache;
    }
    chr_error err;
    chr_engine *eng = start_engine(data);
    if (!eng)
        return 3;
    chr_index *ix = chr_index_open(eng, out, &err);
    if (!ix) {
        fprintf(stderr, "chronicle: %s\n", err.message);
        chr_engine_free(eng);
        return 3;
    }
    chr_index_progress pr;
    chr_index_progress_get(ix, &pr);
    if (pr.message[0])
        fprintf(stderr, "chronicle: %s\n", pr.message);
    chr_index_options opt = {ext, maxb ? (size_t)strtoull(maxb, NULL, 10) : 0, 0};
    int rc = chr_index_start(ix, dir, &opt);
    if (rc != CHR_OK) {
        chr_index_progress_get(ix, &pr);
        fprintf(stderr, "chronicle: %s\n", pr.message[0] ? pr.message : chr_status_message(rc));
        chr_index_free(ix);
        chr_engine_free(eng);
        return 1;
    }
    int tty = isatty(2);
    for (;;) {
        chr_index_progress_get(ix, &pr);
        if (pr.state >= CHR_INDEX_READY)
            break;
        if (tty)
            fprintf(stderr, "\rchronicle: %zu/%zu files, %.1f MB", pr.files_done + pr.files_skipped,
                    pr.files_total, pr.bytes_done / 1e6);
        sleep_ms(100);
    }
    chr_index_wait(ix);
    chr_index_progress_get(ix, &pr);
    if (tty)
        fputc('\n', stderr);
    if (!strcmp(format, "json")) {
        size_t n;
        char *j = chr_index_files(ix, &n);
        if (j) {
            printf("{\"cache\":\"%s\",\"indexed\":%zu,\"reused\":%zu,\"skipped\":%zu,\"failed\":%zu,%s\n", out,
                   pr.files_done - pr.files_reused, pr.files_reused, pr.files_skipped, pr.files_failed, j + 1);
            chr_free(j);
        }
    } else {
        printf("%s: %zu files (%zu annotated, %zu unchanged), %zu skipped, %zu failed; cache %s\n", dir,
               pr.files_done + pr.files_skipped + pr.files_failed, pr.files_done - pr.files_reused,
               pr.files_reused, pr.files_skipped, pr.files_failed, out);
        size_t n;
        char *j = chr_index_files(ix, &n);
        cJSON *o = j ? cJSON_Parse(j) : NULL;
        cJSON *fs = o ? cJSON_GetObjectItem(o, "files") : NULL, *f;
        cJSON_ArrayForEach(f, fs) {
            cJSON *sk = cJSON_GetObjectItem(f, "skipped");
            if (sk)
                printf("  skipped %s: %s\n", cJSON_GetObjectItem(f, "path")->valuestring, sk->valuestring);
        }
        cJSON_Delete(o);
        chr_free(j);
    }
    int status = pr.state == CHR_INDEX_READY && !pr.files_failed ? 0 : 1;
    if (pr.state != CHR_INDEX_READY)
        fprintf(stderr, "chronicle: %s\n", pr.message[0] ? pr.message : "index did not finish");
    chr_index_free(ix);
    chr_engine_free(eng);
    return status;
}

static void print_events_text(cJSON *arr)
{
    cJSON *e;
    cJSON_ArrayForEach(e, arr) {
        cJSON *d = cJSON_GetObjectItem(e, "date");
        printf("  %-12s %s %-18s", cJSON_IsString(d) ? d->valuestring : "-",
               cJSON_GetObjectItem(e, "type")->valuestring, cJSON_GetObjectItem(e, "label")->valuestring);
        cJSON *a;
        int k = 0;
        cJSON_ArrayForEach(a, cJSON_GetObjectItem(e, "actors"))
            printf("%s%s", k++ ? ", " : " ", cJSON_GetObjectItem(a, "name")->valuestring);
        printf("  %s:%d  %s\n", cJSON_GetObjectItem(e, "path")->valuestring,
               cJSON_GetObjectItem(e, "line")->valueint, cJSON_GetObjectItem(e, "trigger")->valuestring);
    }
}

/* "... and N more" under a list the limit cut */
static void more(const cJSON *list, const cJSON *total, const char *what)
{
    int shown = cJSON_GetArraySize(list);
    if (cJSON_IsNumber(total) && total->valueint > shown)
        printf("  ... and %d more %s (--limit 0 shows all)\n", total->valueint - shown, what);
}

static int cmd_query(int argc, char **argv)
{
    const char *index = NULL, *entity = NULL, *related = NULL, *from = NULL, *to = NULL, *actor = NULL;
    const char *format = "json", *data = NULL, *limit_s = NULL, *byte_s = NULL;
    int timeline = 0, files = 0;
    const cli_opt opts[] = {{"--entity", &entity}, {"--related", &related}, {"--from", &from}, {"--to", &to},
                            {"--actor", &actor}, {"--format", &format}, {"--data", &data},
                            {"--limit", &limit_s}, {"--byte", &byte_s}, {NULL, NULL}};
    for (int i = 0; i < argc; i++) {
        int r = 0;
        if (!strcmp(argv[i], "--timeline"))
            timeline = 1;
        else if (!strcmp(argv[i], "--files"))
            files = 1;
        else if ((r = take_option(opts, argc, argv, &i)) < 0)
            return 2;
        else if (r == 1)
            continue;
        else if (!index)
            index = argv[i];
        else {
            fprintf(stderr, "chronicle: query takes one index\n");
            return 2;
        }
    }
    if (!index || (!!entity + !!related + timeline + files) != 1 ||
        (strcmp(format, "json") && strcmp(format, "text"))) {
        fprintf(stderr, "chronicle: query needs an index and one of --entity, --related, --timeline, --files\n");
        usage(stderr);
        return 2;
    }
    size_t limit = 0;
    long byte = -1;
    char *endp;
    if (limit_s) {
        long v = strtol(limit_s, &endp, 10);
        if (*endp || v < 0) {
            fprintf(stderr, "chronicle: --limit wants a number (0: no limit), not '%s'\n", limit_s);
            return 2;
        }
        limit = (size_t)v;
    }
    if (byte_s) {
        byte = strtol(byte_s, &endp, 10);
        if (*endp || byte < 0 || !related) {
            fprintf(stderr, "chronicle: --byte wants a byte offset, with --related\n");
            return 2;
        }
    }
    struct stat st;
    if (stat(index, &st) != 0) {
        fprintf(stderr, "chronicle: cannot open index %s: %s\n", index, strerror(errno));
        return 1;
    }
    chr_error err;
    chr_engine *eng = start_engine(data);
    if (!eng)
        return 3;
    chr_index *ix = chr_index_open(eng, index, &err);
    chr_index_progress pr;
    if (ix)
        chr_index_progress_get(ix, &pr);
    if (!ix || pr.message[0]) {
        fprintf(stderr, "chronicle: %s: %s\n", index, ix ? pr.message : err.message);
        chr_index_free(ix);
        chr_engine_free(eng);
        return 1;
    }
    char *j = NULL;
    size_t n = 0;
    if (entity) {
        j = chr_index_entity(ix, entity, limit, &n);
    } else if (related) {
        const char *colon = strrchr(related, ':');
        char path[PATH_MAX];
        if (!colon || colon == related || (size_t)(colon - related) >= sizeof path) {
            fprintf(stderr, "chronicle: --related wants FILE:LINE\n");
            chr_index_free(ix);
            chr_engine_free(eng);
            return 2;
        }
        memcpy(path, related, (size_t)(colon - related));
        path[colon - related] = '\0';
        j = chr_index_related(ix, path, strtol(colon + 1, NULL, 10), byte, limit, &n);
    } else if (timeline) {
        j = chr_index_timeline(ix, from, to, actor, limit, &n);
    } else {
        j = chr_index_files(ix, &n);
    }
    int status = 0;
    if (!j) {
        fprintf(stderr, "chronicle: query failed (out of memory, or unknown --actor)\n");
        status = 1;
    } else if (!strcmp(format, "json")) {
        fwrite(j, 1, n, stdout);
        putchar('\n');
    } else {
        cJSON *o = cJSON_Parse(j);
        if (entity) {
            cJSON *en = cJSON_GetObjectItem(o, "entity");
            if (!cJSON_IsObject(en)) {
                printf("%s: not in the index\n", entity);
                status = 1;
            } else {
                printf("%s (%s, %s): %d mentions\n", cJSON_GetObjectItem(en, "name")->valuestring,
                       cJSON_GetObjectItem(en, "id")->valuestring, cJSON_GetObjectItem(en, "type")->valuestring,
                       cJSON_GetObjectItem(o, "mentions")->valueint);
                cJSON *f;
                cJSON_ArrayForEach(f, cJSON_GetObjectItem(o, "files")) {
                    printf("  %s:", cJSON_GetObjectItem(f, "path")->valuestring);
                    cJSON *m;
                    int k = 0;
                    cJSON_ArrayForEach(m, cJSON_GetObjectItem(f, "mentions"))
                        printf("%s%d", k++ ? "," : "", cJSON_GetObjectItem(m, "line")->valueint);
                    putchar('\n');
                }
                more(cJSON_GetObjectItem(o, "files"), cJSON_GetObjectItem(o, "files_total"), "files");
                print_events_text(cJSON_GetObjectItem(o, "events"));
                more(cJSON_GetObjectItem(o, "events"), cJSON_GetObjectItem(o, "events_total"), "events");
            }
        } else if (related) {
            cJSON *ev = cJSON_GetObjectItem(o, "event");
            if (!cJSON_IsObject(ev)) {
                printf("%s: no event on or before that line in the index\n", related);
                status = 1;
            } else {
                cJSON *one = cJSON_CreateArray();
                cJSON_AddItemReferenceToArray(one, ev);
                printf("event:\n");
                print_events_text(one);
                cJSON_Delete(one);
                printf("related:\n");
                print_events_text(cJSON_GetObjectItem(o, "related"));
                more(cJSON_GetObjectItem(o, "related"), cJSON_GetObjectItem(o, "total"), "related events");
            }
        } else if (timeline) {
            cJSON *e;
            cJSON_ArrayForEach(e, cJSON_GetObjectItem(o, "events")) {
                printf("%-12s %s %-20s", cJSON_GetObjectItem(e, "date")->valuestring,
                       cJSON_GetObjectItem(e, "type")->valuestring, cJSON_GetObjectItem(e, "label")->valuestring);
                cJSON *a;
                int k = 0;
                cJSON_ArrayForEach(a, cJSON_GetObjectItem(e, "actors"))
                    printf("%s%s", k++ ? ", " : " ", cJSON_GetObjectItem(a, "name")->valuestring);
                putchar('\n');
                cJSON *s;
                cJSON_ArrayForEach(s, cJSON_GetObjectItem(e, "sources"))
                    printf("    %s  %s\n", cJSON_GetObjectItem(s, "doc")->valuestring,
                           cJSON_GetObjectItem(s, "trigger")->valuestring);
            }
            more(cJSON_GetObjectItem(o, "events"), cJSON_GetObjectItem(o, "total"), "events");
        } else {
            cJSON *f;
            cJSON_ArrayForEach(f, cJSON_GetObjectItem(o, "files")) {
                cJSON *sk = cJSON_GetObjectItem(f, "skipped");
                printf("%s  %s  %d entities, %d events%s%s\n", cJSON_GetObjectItem(f, "path")->valuestring,
                       cJSON_GetObjectItem(f, "lang")->valuestring, cJSON_GetObjectItem(f, "entities")->valueint,
                       cJSON_GetObjectItem(f, "events")->valueint, sk ? "  skipped: " : "",
                       sk ? sk->valuestring : "");
            }
        }
        cJSON_Delete(o);
    }
    chr_free(j);
    chr_index_free(ix);
    chr_engine_free(eng);
    return status;
}

/* Saves the knowledge base's name index beside kb.tsv, so that engines map
 * it instead of building it (see lib/gazetteer_image.h). */
static int cmd_prepare_data(int argc, char **argv)
{
    char dbuf[PATH_MAX + 64];
    const char *data = argc > 0 ? argv[0] : default_data_dir(dbuf, sizeof dbuf);
    if (!data) {
        fprintf(stderr, "chronicle: no data directory found (set CHRONICLE_DATA)\n");
        return 2;
    }
    /* built from kb.tsv, never from the image being replaced: the library
     * that maps it may fold or flag names differently from the one that
     * saved it */
    char old[PATH_MAX + 96];
    snprintf(old, sizeof old, "%s/kb.names.bin", data);
    if (unlink(old) != 0 && errno != ENOENT) {
        fprintf(stderr, "chronicle: cannot replace %s: %s\n", old, strerror(errno));
        return 3;
    }
    chr_engine *eng = start_engine(data);
    if (!eng)
        return 3;
    chr_error err;
    int r = engine_save_name_index(eng, data, &err);
    chr_engine_free(eng);
    if (r < 0) {
        fprintf(stderr, "chronicle: %s\n", err.message);
        return 3;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "annotate"))
        return cmd_annotate(argc - 2, argv + 2);
    if (!strcmp(cmd, "timeline"))
        return cmd_timeline(argc - 2, argv + 2);
    if (!strcmp(cmd, "index"))
        return cmd_index(argc - 2, argv + 2);
    if (!strcmp(cmd, "query"))
        return cmd_query(argc - 2, argv + 2);
    if (!strcmp(cmd, "prepare-data"))
        return cmd_prepare_data(argc - 2, argv + 2);
    if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("chronicle %s (ABI %d)\n", chr_version(), chr_abi_version());
        return 0;
    }
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "chronicle: unknown command '%s'\n", cmd);
    usage(stderr);
    return 2;
}
