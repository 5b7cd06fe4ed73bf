/*
 * claude.h - what claude.c and claude_body.c share: the Messages API's
 * JSON, walked with jansson.  Not installed.
 */
#ifndef AM_CLAUDE_H
#define AM_CLAUDE_H

#include <jansson.h>

struct awsmask;

/*
 * Mask, in place, every string of the request a model reads (the list is
 * in claude_body.c).  Errors are the context's (am->err).
 */
int am_claude_mask_request(struct awsmask *am, json_t *req);
/*
 * Unmask, in place, the strings of an answer's content blocks that can
 * hold our tokens.  *unknown (when not NULL) counts the tokens left as
 * they were.
 */
int am_claude_unmask_content(struct awsmask *am, json_t *content,
    unsigned long long *unknown);

#endif /* AM_CLAUDE_H */
