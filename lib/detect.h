/*
 * detect.h - what the catalogue's files share (internal to lib/): the
 * resource IDs table (kinds.c), the helpers every splitter uses
 * (detect.c), and the splitters the kinds table names.  Each splitter
 * is an am_split_fn (internal.h): it looks at the match [m->start,
 * m->end) of subj, fills m->parts, and returns 1 to accept the match or
 * 0 to reject it.
 */
#ifndef AM_DETECT_H
#define AM_DETECT_H

#include "internal.h"

/* A resource ID's literal prefix and the tail it may have (kinds.c). */
struct resource_id {
	const char *lit;	/* "i-" */
	const char *prefix;
	const char *kind;
	const char *chars;	/* what may follow lit */
	size_t min, max;
};
extern const struct resource_id am_resource_ids[];
extern const size_t am_nresource_ids;
/* The resource ID that [p, p+n) is, or NULL. */
const struct resource_id *am_find_resource_id(const char *p, size_t n);

/* Helpers for splitters (detect.c). */
/* Add [s, e) as a part of m (nothing when empty or m is full). */
void am_match_add(struct am_match *m, size_t s, size_t e, const char *prefix,
    const char *kind);
/* First offset in [s, e) holding one of the bytes of set, or e. */
size_t am_find_any(const char *subj, size_t s, size_t e, const char *set);
int am_has_prefix(const char *p, size_t n, const char *lit);
int am_all_digits(const char *p, size_t n);
/* Do the n octets separated by sep in [p, p+len) parse?  Into o[n]. */
int am_octets(const char *p, size_t len, char sep, int n, int *o);
/* Is c one of the bytes of set (never NUL)? */
int am_is_in(char c, const char *set);
/* Is [p, p+n) exactly lit? */
int am_field_is(const char *p, size_t n, const char *lit);
/* The start of the line holding p, not before lo. */
size_t am_line_start(const char *subj, size_t lo, size_t p);

/* Shared by ARNs and the rest (arn.c). */
/* Is an ARN's account field (an SQS URL's too) an account? */
int am_arn_account(const char *p, size_t n);
/* Offset of the name after /aws/<service>/ in a log group name. */
size_t am_log_name_start(const char *subj, size_t s, size_t e);

/* Does [lo, hi) hold a tag key whose value is Name (Key=Name,
 * "Key": "Name", Key: Name, <key>Name</key>)? (tags.c) */
int am_has_name_key(const char *subj, size_t lo, size_t hi);
/* An element [m->start, m->end) of a list laid out one a line under the
 * key [ks, ke) that is no ID key: a name under a plural naming key
 * ("RoleNames", SSM's "Names"), or the value of a filter on Name
 * ("Key": "Name", "Values": [...]).  Adds its part; 0: none. (naming.c) */
int am_name_list_item(const char *subj, size_t len, struct am_match *m,
    size_t ks, size_t ke);

/* The splitters of the kinds table, by file. */
am_split_fn am_split_account;			/* accounts.c */
am_split_fn am_split_arn;			/* arn.c */
am_split_fn am_split_host, am_split_host_label, am_split_sqs_url,
    am_split_ecr, am_split_s3_uri, am_split_s3_vhost,
    am_split_s3_path, am_split_s3_log;		/* hosts.c */
am_split_fn am_split_ipv4, am_split_ipv6;	/* ip.c */
am_split_fn am_split_name, am_split_prose_name;	/* naming.c */
am_split_fn am_split_name_tag;			/* tags.c */
am_split_fn am_split_iam_id, am_split_elb_name_id, am_split_aws_id,
    am_split_keyed_id, am_split_vpce_dns, am_split_escaped_id,
    am_split_kind_keyed_id, am_split_apigw_id, am_split_keyed_item,
    am_split_token_literal;			/* ids.c */

#endif /* AM_DETECT_H */
