/* dev.h - a device header for tests/lsp/imports.session */
#ifndef DEV_H
#define DEV_H
enum dev_err {
    DEV_OK = 0,
    DEV_BUSY = 16,
    DEV_GONE = 19
};
#define DEV_RETRIES 3
struct dev_fault {
    enum dev_err code;
    unsigned short status;
};
#endif
