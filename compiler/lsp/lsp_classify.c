/* lsp_classify.c - the custom request recov/classify: the simulator's
 * classifier and first decision on a fault the user types (docs/lsp.md). */
#include "lsp_req.h"

#include <string.h>

#include "delay.h"
#include "sim.h"

static int field_index(const rc_ir *ir, const char *name)
{
    for (int i = 0; i < ir->nfields; i++)
        if (strcmp(ir->fields[i].name, name) == 0) return i;
    return -1;
}

/* The decision in words ("retry after 500ms", "fallback mirror"). */
static void describe(const rc_ir *ir, const recov_decision *dec, char *buf, size_t n)
{
    char t[32];
    rc_delay_text(t, sizeof t, dec->ms);
    switch (dec->kind) {
    case RECOV_RETRY: snprintf(buf, n, "retry after %s", t); break;
    case RECOV_ADJUST: snprintf(buf, n, "adjust %s, retry after %s", ir->adjusts[dec->id].name, t); break;
    case RECOV_RUN:
        snprintf(buf, n, "run %s%s%s", ir->handlers[dec->id].name, dec->ms ? " timeout " : "", dec->ms ? t : "");
        break;
    case RECOV_FALLBACK: snprintf(buf, n, "fallback %s", ir->alts[dec->id].name); break;
    case RECOV_DEGRADE: snprintf(buf, n, "degrade %s", ir->modes[dec->id].name); break;
    case RECOV_ESCALATE:
        snprintf(buf, n, "escalate %s to %s%s%s", rc_sev_names[dec->level & 3], ir->channels[dec->id].name,
                 dec->ms ? " within " : "", dec->ms ? t : "");
        break;
    case RECOV_ABORT: snprintf(buf, n, "abort"); break;
    default: snprintf(buf, n, "none"); break;
    }
}

/* params: {textDocument: {uri}, fault: {FIELD: number | string | bool, ...}}
 * (fields left out read 0 or ""); result: {error, class, severity,
 * retryable, location (the error's declaration), decision (the simulator's
 * first decision for the fault on a fresh state, in words: "retry after
 * 1s"; jitter drawn from seed 1)}. */
void rc_lsp_classify(rc_lsp *s, const cJSON *id, const cJSON *params)
{
    rc_lsp_doc *d;
    if (!rc_lsp_doc_of(s, id, params, &d)) return;
    const cJSON *fault = cJSON_GetObjectItemCaseSensitive(params, "fault");
    if (!cJSON_IsObject(fault)) {
        rc_lsp_error(s, id, RC_LSP_INVALID_PARAMS, "invalid params: expected fault, an object of field values");
        return;
    }
    const rc_ir *ir = d->unit.checked;
    if (!ir) {
        rc_lsp_error(s, id, RC_LSP_REQUEST_FAILED, "the policy does not check; fix its errors first");
        return;
    }
    rc_arena a;
    rc_arena_init(&a);
    rc_sim_value *v = rc_arena_alloc(&a, sizeof *v * (size_t)(ir->nfields + 1));
    memset(v, 0, sizeof *v * (size_t)(ir->nfields + 1));
    const cJSON *f;
    char why[200] = "";
    cJSON_ArrayForEach(f, fault) {
        int k = f->string ? field_index(ir, f->string) : -1;
        if (k < 0) {
            snprintf(why, sizeof why, "invalid params: the fault has no field '%.80s'", f->string ? f->string : "");
            break;
        }
        const rc_ir_field *fd = &ir->fields[k];
        if (fd->type == RC_TY_TEXT) {
            if (!cJSON_IsString(f)) { snprintf(why, sizeof why, "invalid params: field '%.80s' is text: give a string", fd->name); break; }
            v[k].text = f->valuestring;
            v[k].len = strlen(f->valuestring);
            continue;
        }
        int64_t lo, hi;
        rc_type_range(fd->type, &lo, &hi);
        double x = cJSON_IsBool(f) ? (cJSON_IsTrue(f) ? 1 : 0) : cJSON_IsNumber(f) ? f->valuedouble : -1e300;
        if (!(x >= (double)lo && x <= (double)hi) || x != (double)(int64_t)x) {
            snprintf(why, sizeof why, "invalid params: field '%.80s' (%s) takes an integer in %lld..%lld", fd->name,
                     rc_type_name(fd->type), (long long)lo, (long long)hi);
            break;
        }
        v[k].i = (int64_t)x;
    }
    if (why[0]) {
        rc_lsp_error(s, id, RC_LSP_INVALID_PARAMS, why);
        rc_arena_free(&a);
        return;
    }
    rc_sim *sim = rc_sim_new(&a, ir);
    rc_sim_init(sim, 0, 1);
    rc_sim_fault fl = { v };
    int e = rc_sim_classify(sim, &fl, 0);
    recov_decision dec = rc_sim_failed(sim, &fl, 0);
    char line[200];
    describe(ir, &dec, line, sizeof line);
    cJSON *r = cJSON_CreateObject();
    const rc_ir_error *er = &ir->errors[e];
    cJSON_AddStringToObject(r, "error", er->name);
    cJSON_AddStringToObject(r, "class", ir->classes[er->cls].name);
    cJSON_AddStringToObject(r, "severity", rc_sev_names[er->severity]);
    cJSON_AddBoolToObject(r, "retryable", ir->classes[er->cls].retryable);
    cJSON_AddItemToObject(r, "location", rc_lsp_location(s, d, er->loc));
    cJSON_AddStringToObject(r, "decision", line);
    rc_lsp_reply(s, id, r);
    rc_arena_free(&a);
}
