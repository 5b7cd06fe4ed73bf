/*
 * accounts.c - account IDs: which twelve digits the account-id row's
 * context makes an account (the pattern is ACCOUNT_PAT, patterns.h):
 * JSON arrays and objects of accounts, YAML lists under an account key,
 * <key>/<value> entries, and folders of AWS paths.
 */
#include "detect.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static size_t
skip_space_back(const char *subj, size_t lo, size_t p)
{
	while (p > lo && am_is_in(subj[p - 1], " \t\r\n"))
		p--;
	return p;
}

/*
 * The JSON string that ends with the quote just before p (a \" too), at
 * or after lo: its text is [*s, *e), its opening quote at *p.  0 if
 * there is none.
 */
static int
string_back(const char *subj, size_t lo, size_t *p, size_t *s, size_t *e)
{
	size_t q;

	if (*p <= lo || subj[*p - 1] != '"')
		return 0;
	*e = *p - 1;
	if (*e > lo && subj[*e - 1] == '\\')
		(*e)--;
	for (q = *e; q > lo && subj[q - 1] != '"'; q--)
		;
	if (q == lo)
		return 0;
	*s = q--;
	*p = q > lo && subj[q - 1] == '\\' ? q - 1 : q;
	return 1;
}

/* Does a JSON key (less any "aws:"-style prefix) hold account IDs? */
static int
account_key(const char *k, size_t n)
{
	static const char *const whole[] = { "aws", "userid", "userids",
	    "requesterid" };
	static const char *const ends[] = { "account", "accounts",
	    "accountid", "accountids", "accountnumber", "owner", "owners",
	    "ownerid", "ownerids" };
	char key[64];
	size_t i, l = 0, el;

	for (i = n; i > 0 && k[i - 1] != ':'; i--)
		;
	for (; i < n && l + 1 < sizeof(key); i++)
		if (k[i] != '_' && k[i] != '-')
			key[l++] = (char)tolower((unsigned char)k[i]);
	key[l] = '\0';
	if (i < n)
		return 0;
	for (i = 0; i < AM_ARRAY_SIZE(whole); i++)
		if (!strcmp(key, whole[i]))
			return 1;
	for (i = 0; i < AM_ARRAY_SIZE(ends); i++) {
		el = strlen(ends[i]);
		if (l >= el && !strcmp(key + l - el, ends[i]))
			return 1;
	}
	return 0;
}

/*
 * Is the quoted twelve digits at q an element of a JSON array of
 * accounts?  Walk back element by element, over twelve-digit strings
 * only, to the '[': the array's key must be an account key ("AWS",
 * "aws:SourceAccount", "AccountIds", ...).  An ARN among the elements
 * before settles it too: twelve digits beside ARNs are a principal list
 * ("AWS": ["arn:aws:iam::111122223333:root", "444455556666"]).  At most
 * LIST_BACK bytes back, so that a long array of other numbers costs
 * little; an account further down such a list is missed.
 */
#define LIST_BACK 4096

static int
in_account_list(const char *subj, size_t q)
{
	size_t lo = q > LIST_BACK ? q - LIST_BACK : 0, p = q, s = 0, e = 0;

	for (;;) {
		p = skip_space_back(subj, lo, p);
		if (p == lo)
			return 0;
		if (subj[p - 1] == '[') {
			p = skip_space_back(subj, lo, p - 1);
			if (p == lo || subj[p - 1] != ':')
				return 0;
			p = skip_space_back(subj, lo, p - 1);
			return string_back(subj, lo, &p, &s, &e) &&
			    account_key(subj + s, e - s);
		}
		if (subj[p - 1] != ',')
			return 0;
		p = skip_space_back(subj, lo, p - 1);
		if (!string_back(subj, lo, &p, &s, &e))
			return 0;
		if (e - s > 4 && !memcmp(subj + s, "arn:", 4))
			return 1;
		if (e - s != 12 || !am_all_digits(subj + s, 12))
			return 0;
	}
}

/*
 * The '{' or '[' that encloses offset p, at or after lo: its offset, or
 * (size_t)-1.  Brackets inside strings are skipped (a '"' after a
 * backslash is no string's end).
 */
static size_t
enclosing_open(const char *subj, size_t lo, size_t p)
{
	int depth = 0, instr = 0;

	while (p > lo) {
		char c = subj[--p];

		if (c == '"' && !(p > lo && subj[p - 1] == '\\'))
			instr = !instr;
		else if (instr)
			continue;
		else if (c == '}' || c == ']')
			depth++;
		else if (c == '{' || c == '[') {
			if (depth == 0)
				return p;
			depth--;
		}
	}
	return (size_t)-1;
}

/* Is the '{' or '[' at b the value of a JSON key that holds accounts? */
static int
opened_by_account_key(const char *subj, size_t lo, size_t b)
{
	size_t p = skip_space_back(subj, lo, b), s, e;

	if (p == lo || subj[p - 1] != ':')
		return 0;
	p = skip_space_back(subj, lo, p - 1);
	return string_back(subj, lo, &p, &s, &e) &&
	    account_key(subj + s, e - s);
}

/*
 * Is the quoted twelve digits at q the "Id" of an object that stands
 * for an account ("Account": {"Id": ...}, "Accounts": [{"Id": ...}])?
 */
static int
in_account_object(const char *subj, size_t q)
{
	size_t lo = q > LIST_BACK ? q - LIST_BACK : 0, p, s, e, b;

	p = skip_space_back(subj, lo, q);
	if (p == lo || subj[p - 1] != ':')
		return 0;
	p = skip_space_back(subj, lo, p - 1);
	if (!string_back(subj, lo, &p, &s, &e) || e - s != 2 ||
	    strncasecmp(subj + s, "id", 2))
		return 0;
	b = enclosing_open(subj, lo, p);
	if (b == (size_t)-1 || subj[b] != '{')
		return 0;
	if (opened_by_account_key(subj, lo, b))
		return 1;
	b = enclosing_open(subj, lo, b);
	return b != (size_t)-1 && subj[b] == '[' &&
	    opened_by_account_key(subj, lo, b);
}

/*
 * Is the quoted twelve digits at q the value of a key that holds
 * accounts ("p_any_aws_account_ids": "111122223333", as a JSON array's
 * element reaches the text in JSON mode, or "owner": "111122223333")?
 * The key may be snake case and plural: account_key() reads it.
 */
static int
after_account_key(const char *subj, size_t q)
{
	size_t lo = q > 256 ? q - 256 : 0, p, s, e;

	p = skip_space_back(subj, lo, q);
	if (p == lo || subj[p - 1] != ':')
		return 0;
	p = skip_space_back(subj, lo, p - 1);
	return string_back(subj, lo, &p, &s, &e) && account_key(subj + s,
	    e - s);
}

/* The start of the line holding p, and its indent. */
static size_t
indent_of(const char *subj, size_t lo, size_t p, size_t *ind)
{
	size_t ls = am_line_start(subj, lo, p), i = ls;

	while (am_is_in(subj[i], " \t"))
		i++;
	*ind = i - ls;
	return ls;
}

/*
 * Is the twelve digits at q (less a quote) a YAML list item under a key
 * that holds accounts?  Every line between the key and the item is an
 * item of the same list.
 */
static int
in_yaml_account_list(const char *subj, size_t q)
{
	size_t lo = q > LIST_BACK ? q - LIST_BACK : 0, ls, ind, dash, e, k;

	ls = indent_of(subj, lo, q, &dash);
	if (!am_has_prefix(subj + ls + dash, q - ls - dash, "- ") ||
	    skip_space_back(subj, ls, q) != ls + dash + 1)
		return 0;
	while (ls > lo) {
		ls = indent_of(subj, lo, ls - 1, &ind);
		e = am_find_any(subj, ls + ind, q, "\r\n");
		if (e == ls + ind)
			continue;		/* a blank line */
		if (ind == dash && subj[ls + ind] == '-')
			continue;		/* an item before */
		if (ind > dash)
			return 0;
		k = am_find_any(subj, ls + ind, e, ":");
		if (k == e || skip_space_back(subj, k, e) != k + 1)
			return 0;		/* not "key:" alone */
		return account_key(subj + ls + ind, k - ls - ind);
	}
	return 0;
}

/* <entry><key>Owner</key><value>111122223333</value>: is the key at
 * the element before <value> (at v) one that holds accounts? */
static int
after_account_entry_key(const char *subj, size_t v)
{
	size_t lo = v > 256 ? v - 256 : 0, p = skip_space_back(subj, lo, v), k;

	if (p < lo + 6 || memcmp(subj + p - 6, "</key>", 6))
		return 0;
	for (k = p - 6; k > lo && subj[k - 1] != '>'; k--)
		if (subj[k - 1] == '<')
			return 0;
	return k >= lo + 5 && !memcmp(subj + k - 5, "<key>", 5) &&
	    account_key(subj + k, p - 6 - k);
}

/* Is [p, p+n) a region (us-east-1, us-gov-west-1)? */
static int
is_region(const char *p, size_t n)
{
	size_t i = 0, words = 0;

	while (i < n) {
		size_t s = i;

		while (i < n && islower((unsigned char)p[i]))
			i++;
		if (i == s || i == n || p[i] != '-')
			break;
		i++;
		words++;
	}
	return words >= 2 && n - i >= 1 && n - i <= 2 &&
	    am_all_digits(p + i, n - i);
}

/*
 * Twelve digits between slashes (at s, after a '/'): an account when
 * the folder before is a region (an SNS topic's default policy Id
 * us-east-1/123456789012/...), in an Organizations path
 * (o-.../r-.../<account>/), or when the path is an S3 object's or an
 * AWS URL's (AWSLogs/, StorageLens/<account>/, snapshots/<account>/):
 * a bare path elsewhere (/orders/100234567890/) is left alone.
 */
static int
account_in_path(const char *subj, size_t s)
{
	size_t lo = s > 2048 ? s - 2048 : 0, p = s - 1, t;

	while (p > lo && subj[p - 1] != '/' && !am_is_in(subj[p - 1],
	    " \t\r\n\"'`(<>,"))
		p--;
	if (is_region(subj + p, s - 1 - p))
		return 1;
	for (t = p; t > lo && !am_is_in(subj[t - 1], " \t\r\n\"'`(<>,="); t--)
		;
	if (am_has_prefix(subj + t, s - t, "o-") &&
	    memmem(subj + t, s - t, "/r-", 3))
		return 1;	/* an Organizations path o-.../r-.../ */
	return memmem(subj + t, s - t, "s3:", 3) ||
	    memmem(subj + t, s - t, "S3:", 3) ||
	    memmem(subj + t, s - t, ".amazonaws.com", 14) ||
	    memmem(subj + t, s - t, "AWSLogs/", 8);
}

/* Does [p, p+n) start with the folder a log delivery puts after the
 * account (CloudTrail/, vpcflowlogs/, elasticloadbalancing/)? */
static int
log_folder(const char *p, size_t n)
{
	static const char *const dirs[] = { "CloudTrail", "vpcflowlogs",
	    "elasticloadbalancing" };
	size_t i, l;

	for (i = 0; i < AM_ARRAY_SIZE(dirs); i++) {
		l = strlen(dirs[i]);
		if (n > l && !memcmp(p, dirs[i], l) &&
		    am_is_in(p[l], "_/-"))
			return 1;
	}
	return 0;
}

/* Does [p, p+n) read (federated[_-]?)?(principal|user|assumed[_-]?role)
 * [_-]?id, without case: keyed-iam-id's keys? */
static int
iam_id_key(const char *p, size_t n)
{
	static const char *const words[] = { "principal", "user", "assumed" };
	size_t q = 0, i, l;

#define SKIP_SEP() do { if (q < n && (p[q] == '_' || p[q] == '-')) q++; } \
	while (0)
	if (n >= 9 && !strncasecmp(p, "federated", 9)) {
		q = 9;
		SKIP_SEP();
	}
	for (i = 0; i < AM_ARRAY_SIZE(words); i++) {
		l = strlen(words[i]);
		if (n - q >= l && !strncasecmp(p + q, words[i], l))
			break;
	}
	if (i == AM_ARRAY_SIZE(words))
		return 0;
	q += l;
	if (i == 2) {
		SKIP_SEP();
		if (n - q < 4 || strncasecmp(p + q, "role", 4))
			return 0;
		q += 4;
	}
	SKIP_SEP();
#undef SKIP_SEP
	return n - q == 2 && !strncasecmp(p + q, "id", 2);
}

/*
 * "principalId": "123456789012:Bob": a federated principal, an account
 * and a name, which keyed-iam-id masks both of (ids.c).  The account
 * row, tried first at the quote, refuses it then, so that keyed-iam-id
 * takes it at the key: only where that row's pattern is sure to match
 * (the key whole, then \?["']? and '>' or [ \t]*[:=][ \t]*\?["']?).
 */
static int
federated_principal(const char *subj, size_t len, size_t s, size_t e)
{
	size_t k = s, ke;

	if (e + 1 >= len || subj[e] != ':' || !(isalnum((unsigned char)
	    subj[e + 1]) || am_is_in(subj[e + 1], "_+=@")))
		return 0;
	if (k > 0 && (subj[k - 1] == '"' || subj[k - 1] == '\''))
		k--;
	if (k > 0 && subj[k - 1] == '\\')
		k--;
	if (k > 0 && subj[k - 1] == '>')
		k--;
	else {
		while (k > 0 && (subj[k - 1] == ' ' || subj[k - 1] == '\t'))
			k--;
		if (k == 0 || (subj[k - 1] != ':' && subj[k - 1] != '='))
			return 0;
		k--;
		while (k > 0 && (subj[k - 1] == ' ' || subj[k - 1] == '\t'))
			k--;
	}
	if (k > 0 && (subj[k - 1] == '"' || subj[k - 1] == '\''))
		k--;
	if (k > 0 && subj[k - 1] == '\\')
		k--;
	ke = k;
	while (k > 0 && (isalnum((unsigned char)subj[k - 1]) ||
	    subj[k - 1] == '_' || subj[k - 1] == '-'))
		k--;
	return iam_id_key(subj + k, ke - k);
}

int
am_split_account(const char *subj, size_t len, struct am_match *m)
{
	size_t s = m->start;

	if (isdigit((unsigned char)subj[s]) &&
	    federated_principal(subj, len, s, m->end))
		return 0;

	if (subj[s] == '\\' || subj[s] == '"') {
		if (!in_account_list(subj, s) && !in_account_object(subj, s) &&
		    !in_yaml_account_list(subj, s) &&
		    !after_account_key(subj, s))
			return 0;
		while (subj[s] == '\\' || subj[s] == '"')
			s++;
	} else if (s >= 2 && subj[s - 1] == ' ' && subj[s - 2] == '-' &&
	    am_find_any(subj, am_line_start(subj, 0, s), s - 2, "-") == s - 2) {
		/* "- 111122223333" */
		if (!in_yaml_account_list(subj, s))
			return 0;
	} else if (s >= 7 && !memcmp(subj + s - 7, "<value>", 7)) {
		if (!after_account_entry_key(subj, s - 7))
			return 0;
	} else if (s >= 1 && subj[s - 1] == '/' && m->end < len &&
	    subj[m->end] == '/' && !log_folder(subj + m->end + 1,
	    len - m->end - 1) &&
	    !(s >= 8 && !strncasecmp(subj + s - 8, "AWSLogs/", 8))) {
		if (!account_in_path(subj, s))
			return 0;
	}
	am_match_add(m, s, m->end, "ACCOUNT", NULL);
	return 1;
}
