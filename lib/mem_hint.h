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
#endif
