/*
 * ids.c - IDs by their shape: IAM unique IDs and their session names,
 * load balancer name/ID pairs, EC2-style IDs of any prefix, IDs under a
 * key or flag that says ID, and text shaped like one of our tokens.
 */
#include "detect.h"

#include <string.h>
#include <ctype.h>

/*
 * A token, in any form awsunmask would restore: the whole of it, less
 * the hyphenated forms that awsunmask takes for part of a longer name.
 */
int
am_split_token_literal(const char *subj, size_t len, struct am_match *m)
{
	if (!am_token_tolerated(subj, len, m->start, m->end))
		return 0;
	am_match_add(m, m->start, m->end, m->kind->prefix, NULL);
	return 1;
}

/*
 * AROA...:name is a role session's principal ID (CloudTrail principalId,
 * sts get-caller-identity's UserId, aws:userid): the unique ID, then the
 * session name, a name like the one an assumed-role ARN ends with.  EC2
 * names a session after its instance: that is the instance ID.
 */
int
am_split_iam_id(const char *subj, size_t len, struct am_match *m)
{
	size_t c = am_find_any(subj, m->start, m->end, ":");
	const struct resource_id *id;

	(void)len;
	am_match_add(m, m->start, c, m->kind->prefix, NULL);
	if (c + 1 < m->end) {
		if ((id = am_find_resource_id(subj + c + 1, m->end - c - 1)))
			am_match_add(m, c + 1, m->end, id->prefix, id->kind);
		else if (!am_name_placeholder(subj + c + 1, m->end - c - 1))
			am_match_add(m, c + 1, m->end, "IAM_USER", NULL);
	}
	return 1;
}

/* app/NAME/ID, net/..., gwy/..., targetgroup/NAME/ID: the name and the
 * ID, both with the load balancer's (or target group's) prefix. */
int
am_split_elb_name_id(const char *subj, size_t len, struct am_match *m)
{
	size_t s = am_find_any(subj, m->start, m->end, "/") + 1;
	size_t e = am_find_any(subj, s, m->end, "/");
	const char *prefix = subj[m->start] == 't' ? "TARGET_GROUP" : "ELB";

	(void)len;
	am_match_add(m, s, e, prefix, NULL);
	am_match_add(m, e + 1, m->end, prefix, NULL);
	return m->nparts == 2;
}

/* An ID of a prefix some row above knows is that row's, also when
 * --types or --exclude-types turned the row off. */
int
am_split_aws_id(const char *subj, size_t len, struct am_match *m)
{
	(void)len;
	if (am_find_resource_id(subj + m->start, m->end - m->start))
		return 0;
	am_match_add(m, m->start, m->end, "AWS_ID", NULL);
	return 1;
}

/* Does [p, p+n) hold a digit? */
static int
has_digit(const char *p, size_t n)
{
	while (n--)
		if (isdigit((unsigned char)*p++))
			return 1;
	return 0;
}

int
am_split_keyed_id(const char *subj, size_t len, struct am_match *m)
{
	size_t p = m->start, s, e, i, l = 0;
	int plural;

	(void)len;
	/* Past the key: the first value starts after its separator. */
	if (subj[p] == '-') {
		e = am_find_any(subj, p, m->end, " \t=");
		plural = subj[e - 1] == 's';
		p = e;
	} else {
		plural = 0;
		p = am_find_any(subj, p + 1, m->end, ":=>");
	}
	while (p < m->end && m->nparts < AM_MAX_PARTS) {
		while (p < m->end && am_is_in(subj[p], ":=>\\\"' \t"))
			p++;
		s = p;
		while (p < m->end && !am_is_in(subj[p], "\\\"' \t"))
			p++;
		e = p;
		for (i = 0; i < am_nresource_ids; i++) {
			l = strlen(am_resource_ids[i].lit);
			if (e - s > l &&
			    !memcmp(subj + s, am_resource_ids[i].lit, l))
				break;
		}
		if (i < am_nresource_ids &&
		    has_digit(subj + s + l, e - s - l) &&
		    am_find_any(subj, s + l, e, "-") == e)
			am_match_add(m, s, e, am_resource_ids[i].prefix,
			    am_resource_ids[i].kind);
		if (!plural)
			break;
	}
	if (!m->nparts)
		return 0;
	m->end = m->parts[m->nparts - 1].end;
	return 1;
}
