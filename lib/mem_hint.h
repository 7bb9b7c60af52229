/* mem_hint.h: asks the kernel for huge pages under big buffers.
 * A 10 MB document touches ~40 MB of fresh memory per call; with 4 KB pages
 * that is ~10,000 page faults, which on virtual machines cost as much as the
 * matching itself. Transparent huge pages cut that by 512. The advice is a
 * hint: where it is not supported or refused nothing changes; building with
 * -DCHR_NO_HUGE_PAGES leaves it out (to measure what it buys). */
#ifndef CHR_MEM_HINT_H
#define CHR_MEM_HINT_H
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>

#define CHR_HUGE_PAGE ((uintptr_t)2 << 20)

static inline void mem_hint_huge(void *p, size_t n)
{
#if defined(MADV_HUGEPAGE) && !defined(CHR_NO_HUGE_PAGES)
    if (n < CHR_HUGE_PAGE)
        return;
    uintptr_t a = ((uintptr_t)p + CHR_HUGE_PAGE - 1) & ~(CHR_HUGE_PAGE - 1);
    uintptr_t b = ((uintptr_t)p + n) & ~(CHR_HUGE_PAGE - 1);
    if (b > a)
        (void)madvise((void *)a, b - a, MADV_HUGEPAGE);
#else
    (void)p;
    (void)n;
#endif
}
/* Zeroed memory mapped in one call (MAP_POPULATE: no fault per page later),
 * for the trie the engine builds at start-up; a built trie then lives in a
 * mapping like a saved one (gazetteer_image.c) and one unmap frees either.
 * NULL when the mapping fails; free with mem_populated_free and the same size. */
static inline void *mem_populated(size_t n)
{
    if (!n)
        n = 1;
#ifdef MAP_POPULATE
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
#else
    void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
#endif
    return p == MAP_FAILED ? NULL : p;
}

static inline void mem_populated_free(void *p, size_t n)
{
    if (p)
        (void)munmap(p, n ? n : 1);
}
#endif
