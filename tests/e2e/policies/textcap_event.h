/* textcap_event.h - an event record whose message is a fixed char array. */
#ifndef TEXTCAP_EVENT_H
#define TEXTCAP_EVENT_H
struct textcap_event {
    int code;
    char msg[8];   /* not NUL-terminated when all 8 bytes are used */
};
#endif
