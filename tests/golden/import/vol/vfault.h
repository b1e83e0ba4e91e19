/* a fault struct whose text lives in volatile memory (a DMA buffer) */
#include <stdint.h>
struct vfault {
    uint16_t status;
    volatile char *line;
    volatile char last[16];
};
