/*
 * accounts.c - account IDs: which twelve digits the account-id row's
 * context makes an account (the pattern is ACCOUNT_PAT, patterns.h),
 * and the JSON arrays of accounts.
 */
#include "detect.h"

#include <ctype.h>
#include <string.h>

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

int
am_split_account(const char *subj, size_t len, struct am_match *m)
{
	size_t s = m->start;

	(void)len;
	if (subj[s] == '\\' || subj[s] == '"') {
		if (!in_account_list(subj, s))
			return 0;
		while (subj[s] == '\\' || subj[s] == '"')
			s++;
	}
	am_match_add(m, s, m->end, "ACCOUNT", NULL);
	return 1;
}
