/* ckpt_record.h - rewrites one 4-byte record of a generated checkpoint and
 * recomputes its CRC (spec/checkpoint.md: header of 20 bytes, then records
 * of a 4-byte FNV-1a tag of the key, a length byte and the value, then the
 * CRC-32).  For tests that load a checkpoint with values no run reaches
 * quickly (stats_saturate.c, limstats_saturate.c).  Include after the
 * generated header (it needs recov_crc32 from recov.h). */
#ifndef CKPT_RECORD_H
#define CKPT_RECORD_H

#include <stddef.h>
#include <stdint.h>

static uint32_t ckpt_fnv(const char *s)
{
    uint32_t h = 2166136261u;
    while (*s) h = (h ^ (uint8_t)*s++) * 16777619u;
    return h;
}
static uint32_t ckpt_get32(const uint8_t *p)
{
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}
static void ckpt_put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

/* Sets record `key` (4 bytes) of the checkpoint b[0..len) to v; 0 when there
 * is no such record or it is not 4 bytes long. */
static int set_record(uint8_t *b, size_t len, const char *key, uint32_t v)
{
    uint32_t tag = ckpt_fnv(key), plen = ckpt_get32(b + 16);
    for (size_t at = 20; at + 5 <= 20u + plen; at += 5u + b[at + 4]) {
        if (ckpt_get32(b + at) != tag) continue;
        if (b[at + 4] != 4) return 0;
        ckpt_put32(b + at + 5, v);
        ckpt_put32(b + len - 4, recov_crc32(0, b, len - 4));
        return 1;
    }
    return 0;
}

#endif
