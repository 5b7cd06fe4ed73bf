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
 * names a session after its instance: that is the instance ID.  Under
 * principalId a federated principal is an account and a name.
 */
int
am_split_iam_id(const char *subj, size_t len, struct am_match *m)
{
	size_t c = am_find_any(subj, m->start, m->end, ":");
	const struct resource_id *id;

	(void)len;
	/* A federated principal (principalId "123456789012:Bob"): the
	 * account; the name is kept, as after a FederatedUserId's. */
	if (am_all_digits(subj + m->start, c - m->start)) {
		am_match_add(m, m->start, c, "ACCOUNT", NULL);
		return 1;
	}
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

/*
 * An ID of a prefix no kind knows, under a key or flag that says ID
 * (dxcon-fguhmqlc, ws-dk1xzr417, vpc-cidr-assoc-062c64cfafEXAMPLE): the
 * tail after the last '-' is 8 to 17 lower-case letters and digits with
 * a digit and a letter among them, or hex digits that end in the
 * documentation's EXAMPLE.  A tail of digits alone (req-12345, a
 * request's number) or a word (my-service) is none.
 */
static int
keyed_generic_tail(const char *subj, size_t s, size_t e)
{
	size_t t = e, n, i;
	int digit = 0, letter = 0;

	while (t > s && subj[t - 1] != '-')
		t--;
	n = e - t;
	if (t <= s + 1 || n < 8 || n > 17)
		return 0;
	if (n > 7 && !memcmp(subj + e - 7, "EXAMPLE", 7)) {
		for (i = t; i < e - 7; i++)
			if (!isdigit((unsigned char)subj[i]) &&
			    !am_is_in(subj[i], "abcdef"))
				return 0;
		return has_digit(subj + t, n - 7);
	}
	for (i = t; i < e; i++) {
		if (isdigit((unsigned char)subj[i]))
			digit = 1;
		else if (islower((unsigned char)subj[i]))
			letter = 1;
		else
			return 0;
	}
	return digit && letter;
}

int
am_split_keyed_id(const char *subj, size_t len, struct am_match *m)
{
	const struct resource_id *id;
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
		/* An ID of hex digits in its strict form (pcx-abababab)
		 * needs no digit. */
		if ((id = am_find_resource_id(subj + s, e - s)) &&
		    !strchr(id->chars, 'g'))
			am_match_add(m, s, e, id->prefix, id->kind);
		else if (i < am_nresource_ids &&
		    has_digit(subj + s + l, e - s - l) &&
		    am_find_any(subj, s + l, e, "-") == e)
			am_match_add(m, s, e, am_resource_ids[i].prefix,
			    am_resource_ids[i].kind);
		else if (keyed_generic_tail(subj, s, e))
			am_match_add(m, s, e, "AWS_ID", "aws-id");
		if (!plural)
			break;
	}
	if (!m->nparts)
		return 0;
	m->end = m->parts[m->nparts - 1].end;
	return 1;
}
