/*
 * tags.c - the value of a Name tag, in every shape a tag is written.
 * The pattern is TAG_VALUE_PAT (patterns.h).
 */
#include "detect.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

/*
 * Name tags.  A tag's Value is a resource's name when its Key is "Name",
 * in every shape a tag is written: CLI shorthand (Key=Name,Value=web-1),
 * JSON on one line or several, with Value before or after Key
 * ({"Key": "Name", "Value": "web-1"}), YAML (- Key: Name / Value: web-1)
 * and EC2's XML (<key>Name</key><value>web-1</value>).  The row matches
 * the Value and its value; am_split_name_tag() looks for Key=Name in the
 * same tag: back and ahead to the braces, brackets or parentheses around
 * it or a blank line (in shorthand, a blank), or over the lines of the
 * same YAML list item; at most TAG_AROUND bytes each way.
 */
#define TAG_AROUND	400

/* The indentation of the line that starts at ls, and whether it is a
 * YAML list item ("  - Key: Name"). */
static size_t
yaml_indent(const char *subj, size_t ls, size_t end, int *item)
{
	size_t p = ls;

	while (p < end && am_is_in(subj[p], " \t"))
		p++;
	*item = p + 1 < end && subj[p] == '-' && am_is_in(subj[p + 1], " \t");
	return *item ? p + 2 - ls : p - ls;
}

/*
 * The YAML list item around the value at `at`: back to the item's "- "
 * line over lines of the value's indentation, ahead over the lines of
 * the same indentation that are not items themselves; four lines at
 * most each way.
 */
static void
yaml_item(const char *subj, size_t floor, size_t ceil, size_t at,
    size_t *lo, size_t *hi)
{
	size_t ls = am_line_start(subj, floor, at), ind, l, p;
	int item, it, n;

	ind = yaml_indent(subj, ls, at, &item);
	*lo = ls;
	for (n = 0; !item && n < 4 && *lo > floor; n++) {
		l = am_line_start(subj, floor, *lo - 1);
		if (yaml_indent(subj, l, *lo - 1, &it) != ind)
			break;
		*lo = l;
		if (it)
			break;
	}
	for (p = at; p < ceil && subj[p] != '\n'; p++)
		;
	*hi = p;
	for (n = 0; n < 4 && p < ceil; n++) {
		l = p + 1;
		for (p = l; p < ceil && subj[p] != '\n'; p++)
			;
		if (yaml_indent(subj, l, p, &it) != ind || it)
			break;
		*hi = p;
	}
}

/* Does [lo, hi) hold a tag key whose value is Name: Key=Name,
 * "Key": "Name", Key: Name, <key>Name</key>? */
int
am_has_name_key(const char *subj, size_t lo, size_t hi)
{
	size_t p, q;

	for (p = lo; p + 3 < hi; p++) {
		if ((p > lo && isalnum((unsigned char)subj[p - 1])) ||
		    strncasecmp(subj + p, "key", 3) ||
		    isalnum((unsigned char)subj[p + 3]) || subj[p + 3] == '_')
			continue;
		for (q = p + 3; q < hi && am_is_in(subj[q], "\\\"' \t"); q++)
			;
		if (q >= hi || !am_is_in(subj[q], ":=>"))
			continue;
		for (q++; q < hi && am_is_in(subj[q], "\\\"' \t"); q++)
			;
		if (q + 4 <= hi && !memcmp(subj + q, "Name", 4) &&
		    (q + 4 == hi || !isalnum((unsigned char)subj[q + 4])) &&
		    (q + 4 == hi || !am_is_in(subj[q + 4], "_-:.")))
			return 1;
	}
	return 0;
}

/* EC2's XML: <key>Name</key> right before <value>, or right after
 * </value>. */
static int
xml_name_tag(const char *subj, size_t len, struct am_match *m)
{
	static const char kn[] = "<key>Name</key>";
	size_t kl = sizeof(kn) - 1, p = m->start, q = m->end + 8;

	while (p > 0 && am_is_in(subj[p - 1], " \t\r\n"))
		p--;
	while (q < len && am_is_in(subj[q], " \t\r\n"))
		q++;
	if ((p >= kl && !memcmp(subj + p - kl, kn, kl)) ||
	    (q + kl <= len && !memcmp(subj + q, kn, kl))) {
		if (am_name_placeholder(subj + m->start + 7, m->end - m->start - 7))
			return 0;
		am_match_add(m, m->start + 7, m->end, "NAME_TAG",
		    "resource-name");
		return 1;
	}
	return 0;
}

int
am_split_name_tag(const char *subj, size_t len, struct am_match *m)
{
	size_t vs = m->start, ve = m->end, lo, hi, floor, ceil;
	int shorthand, yaml;

	if (subj[vs] == '<')
		return xml_name_tag(subj, len, m);
	while (!am_is_in(subj[vs], ":="))
		vs++;
	shorthand = subj[vs] == '=';
	yaml = subj[vs] == ':';
	for (vs++; vs < ve && am_is_in(subj[vs], " \t\\\"'"); vs++)
		;
	if (vs < ve && am_is_in(subj[vs - 1], "\"'"))
		shorthand = yaml = 0;		/* quoted: JSON or shell */
	while (ve > vs && am_is_in(subj[ve - 1], " \t"))
		ve--;
	/* CloudFormation's !Ref, !Sub and ${...}: not the name itself. */
	if (ve <= vs || am_name_placeholder(subj + vs, ve - vs) ||
	    subj[vs] == '!' || memmem(subj + vs, ve - vs, "${", 2) ||
	    memmem(subj + vs, ve - vs, "{{", 2))
		return 0;
	floor = m->start > TAG_AROUND ? m->start - TAG_AROUND : 0;
	ceil = len - m->end > TAG_AROUND ? m->end + TAG_AROUND : len;
	if (yaml) {
		yaml_item(subj, floor, ceil, m->start, &lo, &hi);
		goto check;
	}
	for (lo = m->start; lo > floor; lo--) {
		char c = subj[lo - 1];

		if (am_is_in(c, "{[(}])") ||
		    (shorthand && am_is_in(c, " \t\n")))
			break;
		if (c == '\n' && lo >= 2 && subj[lo - 2] == '\n')
			break;
	}
	for (hi = m->end; hi < ceil; hi++) {
		char c = subj[hi];

		if (am_is_in(c, "{[(}])") ||
		    (shorthand && am_is_in(c, " \t\r\n")))
			break;
		if (c == '\n' && hi + 1 < ceil &&
		    am_is_in(subj[hi + 1], "\r\n"))
			break;
	}
check:
	if (!am_has_name_key(subj, lo, m->start) &&
	    !am_has_name_key(subj, m->end, hi))
		return 0;
	am_match_add(m, vs, ve, "NAME_TAG", "resource-name");
	return 1;
}
