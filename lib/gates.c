/*
 * gates.c - cheap checks that let the scanner skip a row at a start.
 *
 * A few rows of the catalogue begin with a key word of any spelling
 * (recipientAccountId:, "VpcId":, RoleName=, a role named ``x``) or with
 * a lower-case word ("iew-0123abcd"), so the scanner's start automaton,
 * which sees three bytes, leaves them at the start of nearly every word:
 * in an ordinary log they were most of the PCRE2 calls and found
 * nothing.  A gate reads the word at the start the way its row's pattern
 * would and says whether the pattern can match there at all.
 *
 * The contract: a gate returns 0 only where its row's pattern cannot
 * match anchored at p.  It may say 1 where the pattern then fails: it is
 * a filter, not the rule.  Every gate here is the pattern of its row
 * (patterns.h, kinds.c) read backwards to what a match must hold, and a
 * change to the pattern must keep it so.  The reference path of the
 * scanner uses no gate, and the differential test (tests/unit/
 * test_scanner.c: the examples, the test files and the labelled corpus,
 * and generated inputs) checks that both find the same.
 */
#include "internal.h"

#include <string.h>

static inline int
is_lower(unsigned c)
{
	return c - 'a' < 26;
}

static inline int
is_alpha(unsigned c)
{
	return (c | 0x20) - 'a' < 26;
}

static inline int
is_digit(unsigned c)
{
	return c - '0' < 10;
}

static inline int
is_alnum(unsigned c)
{
	return is_alpha(c) || is_digit(c);
}

static inline int
is_hex(unsigned c)
{
	return is_digit(c) || (c | 0x20) - 'a' < 6;
}

/* Does [p, q) end in suffix s, letters compared without case? */
static int
ends_ci(const unsigned char *u, size_t p, size_t q, const char *s)
{
	size_t n = strlen(s), i;

	if (q - p < n)
		return 0;
	for (i = 0; i < n; i++)
		if ((u[q - n + i] | 0x20) != (unsigned char)s[i])
			return 0;
	return 1;
}

/* After q: ["']? [ \t]* then one of [:=] (a key's separator). */
static int
key_sep(const unsigned char *u, size_t len, size_t q)
{
	if (q < len && (u[q] == '"' || u[q] == '\''))
		q++;
	while (q < len && (u[q] == ' ' || u[q] == '\t'))
		q++;
	return q < len && (u[q] == ':' || u[q] == '=');
}

/* Does u[p...] start with s, letters compared without case? */
static int
starts_ci(const unsigned char *u, size_t len, size_t p, const char *s)
{
	size_t n = strlen(s);

	return len - p >= n && ends_ci(u, p, p + n, s);
}

/*
 * After an optional backslash and one quote from p (a JSON key, also
 * escaped inside a JSON string): where the key begins, or 0 when p
 * holds no quote.  quotes: the quote bytes allowed.
 */
static size_t
after_quote(const unsigned char *u, size_t len, size_t p, const char *quotes)
{
	if (p < len && u[p] == '\\')
		p++;
	return p < len && u[p] && strchr(quotes, u[p]) ? p + 1 : 0;
}

/* The end of the run from q of bytes in [A-Za-z0-9] and extra. */
static size_t
run_end(const unsigned char *u, size_t len, size_t q, const char *extra,
    size_t max)
{
	size_t e = len - q > max ? q + max : len;

	while (q < e && (is_alnum(u[q]) || (u[q] && strchr(extra, u[q]))))
		q++;
	return q;
}

/* At q: blanks, then word w without case. */
static int
then_word(const unsigned char *u, size_t len, size_t q, const char *w)
{
	size_t b = q, n = strlen(w);

	while (q < len && (u[q] == ' ' || u[q] == '\t'))
		q++;
	return q > b && len - q >= n && ends_ci(u, q, q + n, w);
}

static int id_ending(const unsigned char *u, size_t p, size_t q);

/*
 * keyed-id (KEYED_ID_PAT, which is case-sensitive).  Starting with a
 * letter, either the filter Name=...-id,Values= or a key of letters and
 * digits that ends in Id or ID, or of lower-case letters, digits and '_'
 * that ends in _id or _uid,
 * read whole (possessively) and followed by ["']? [ \t]* [:=].  Both
 * forms end where the word does: the first stops at a '_', the second
 * at a capital, and neither is a separator.  The quoted form is \?"
 * and such a key with an optional plural s, \?" and a ':'; the XML form
 * <, a letter.
 */
int
am_gate_keyed_id(const struct am_gate_in *in)
{
	const unsigned char *u = in->u;
	size_t p = in->p, q = in->we, k;

	if ((k = after_quote(u, in->len, p, "\"")) != 0) {
		/* "VpcId": or "SubnetIds": [, escaped or not. */
		q = run_end(u, in->len, k, "_", 64);
		if (q - k >= 3 && u[q - 1] == 's')
			q--;
		if (!id_ending(u, k, q))
			return 0;
		if (q < in->len && u[q] == 's')
			q++;
		if (q < in->len && u[q] == '\\')
			q++;
		if (q == in->len || u[q] != '"')
			return 0;
		while (++q < in->len && (u[q] == ' ' || u[q] == '\t'))
			;
		return q < in->len && u[q] == ':';
	}
	if (u[p] == '<')
		return is_alpha(p + 1 < in->len ? u[p + 1] : 0);
	if (!is_alpha(u[p]))
		return 1;
	if (id_ending(u, p, q))
		return key_sep(u, in->len, q);
	return q - p == 4 && in->len - p >= 5 && !memcmp(u + p, "Name=", 5);
}

/* Does the key [p, q) end in Id or ID, or in _id or _uid? */
static int
id_ending(const unsigned char *u, size_t p, size_t q)
{
	return q - p >= 2 && ((u[q - 2] == 'I' && (u[q - 1] == 'd' ||
	    u[q - 1] == 'D')) || (q - p >= 3 && u[q - 2] == 'i' &&
	    u[q - 1] == 'd' && (u[q - 3] == '_' || (q - p >= 4 &&
	    u[q - 3] == 'u' && u[q - 4] == '_'))));
}

/* Does [p, q) end in suffix s, exactly? */
static int
ends(const unsigned char *u, size_t p, size_t q, const char *s)
{
	size_t n = strlen(s);

	return q - p >= n && !memcmp(u + q - n, s, n);
}

/*
 * account-key (ACCOUNT_CAMEL_PAT, case-sensitive): a key of letters and
 * digits, read whole, ending in AccountId, OwnerId, AccountNumber or
 * Account, then ACCOUNT_KEY_SEP.  A '_' ends the key and is no
 * separator.
 */
int
am_gate_account_key(const struct am_gate_in *in)
{
	const unsigned char *u = in->u;
	size_t p = in->p, q = in->we;

	if (q - p < 8)
		return 0;
	switch (u[q - 1]) {
	case 'd':
		if (!ends(u, p, q, "AccountId") && !ends(u, p, q, "OwnerId"))
			return 0;
		break;
	case 'r':
		if (!ends(u, p, q, "AccountNumber"))
			return 0;
		break;
	case 't':
		if (!ends(u, p, q, "Account"))
			return 0;
		break;
	default:
		return 0;
	}
	return key_sep(u, in->len, q);
}

/*
 * aws-id: a lower-case word of at most 25 letters and digits, then '-'
 * (a capital or '_' in the word would end it before the '-'), and
 * later a part after a '-' of 8 or 17 hex digits that no letter, digit
 * or '_' follows, nor '-' and a letter or digit.
 */
int
am_gate_aws_id(const struct am_gate_in *in)
{
	const unsigned char *u = in->u;
	size_t len = in->len, p = in->p, q = in->we, s, i;

	if (q >= len || u[q] != '-' || q - p > 25)
		return 0;
	while (q < len && u[q] == '-' && q - p < 160) {
		for (s = ++q; q < len && (is_lower(u[q]) || is_digit(u[q])); q++)
			;
		if ((q - s != 8 && q - s != 17) || (q < len &&
		    (is_alnum(u[q]) || u[q] == '_' || (u[q] == '-' &&
		    q + 1 < len && is_alnum(u[q + 1])))))
			continue;
		for (i = s; i < q && is_hex(u[i]); i++)
			;
		if (i == q)
			return 1;
	}
	return 0;
}

/* "named" or "called" at q, without case. */
static int
named(const unsigned char *u, size_t len, size_t q)
{
	return (len - q >= 5 && ends_ci(u, q, q + 5, "named")) ||
	    (len - q >= 6 && ends_ci(u, q, q + 6, "called"));
}

/* Past the blanks from q: q itself when there are none. */
static size_t
blanks(const unsigned char *u, size_t len, size_t q)
{
	while (q < len && (u[q] == ' ' || u[q] == '\t'))
		q++;
	return q;
}

/*
 * prose-name (PROSE_NAME_PAT): a noun of letters and an optional s (a
 * digit or '_' would end it before the blank), blanks, then "named" or
 * "called"; or the noun "key pair", whose second word is letters too.
 */
int
am_gate_prose_name(const struct am_gate_in *in)
{
	const unsigned char *u = in->u;
	size_t len = in->len, q = blanks(u, len, in->we);

	if (q == in->we)
		return 0;
	if (named(u, len, q))
		return 1;
	if (len - q < 4 || !ends_ci(u, q, q + 4, "pair"))
		return 0;
	q += 4;
	if (q < len && (u[q] | 0x20) == 's')
		q++;
	return named(u, len, blanks(u, len, q));
}

/*
 * resource-name.  Starting with a letter: a naming key (NAME_KEYS, the
 * words joined by nothing, '_' or '-'; sso_role_name; Terraform's name;
 * the filter Name=), with an optional plural s, ends in one of the
 * endings below, and the run of [A-Za-z0-9_-] ends with it: every form
 * that follows a key begins with a quote, a blank, '\', ':', '=', '>'
 * or '|'.  Other starts (", ', \, --flag, the digest file's _) pass.
 */
int
am_gate_resource_name(const struct am_gate_in *in)
{
	const unsigned char *u = in->u;
	size_t len = in->len, p = in->p, q = in->we;
	size_t e = len - p > AM_GATE_WORD ? p + AM_GATE_WORD : len;

	if (!is_alpha(u[p]))
		return 1;
	while (q < e && u[q] == '-') {
		q++;
		while (q < e && (is_alnum(u[q]) || u[q] == '_'))
			q++;
	}
	if (q == e && q < len && (is_alnum(u[q]) || u[q] == '_' ||
	    u[q] == '-'))
		return 0;		/* longer than any key */
	if ((u[q - 1] | 0x20) == 's' && q - 1 > p)
		q--;
	switch (u[q - 1] | 0x20) {
	case 'e':
		return ends_ci(u, p, q, "name") || ends_ci(u, p, q, "service");
	case 'r':
		return ends_ci(u, p, q, "identifier") ||
		    ends_ci(u, p, q, "cluster");
	case 'd':
		/* SecretId, CacheClusterId, ReplicationGroupId, with
		 * their '_' or '-' spellings. */
		if (q - p < 8 || (u[q - 2] | 0x20) != 'i')
			return 0;
		q -= 2;
		if (u[q - 1] == '_' || u[q - 1] == '-')
			q--;
		return (u[q - 1] | 0x20) == 't' || (u[q - 1] | 0x20) == 'r' ||
		    (u[q - 1] | 0x20) == 'p';
	case 'p':
		return ends_ci(u, p, q, "group");
	case 't':
		return ends_ci(u, p, q, "bucket");
	default:
		return 0;
	}
}

/*
 * The quoted forms of account-id from q, just past the quote: twelve
 * digits and a quote, or a key (with a "prefix:" before it) that ends
 * in one of the key words, then a quote, a blank or a separator.
 */
static int
quoted_account(const unsigned char *u, size_t len, size_t q)
{
	static const char *const ends[] = {
		"id", "owner", "number", "account", "accountids", "aws",
		"imagelocation",
	};
	size_t e, i;

	for (e = q; e < len && e - q <= 12 && is_digit(u[e]); e++)
		;
	if (e - q == 12 && e < len && (u[e] == '"' || u[e] == '\\'))
		return 1;
	e = run_end(u, len, q, "_:-", 64);
	if (e == q || (e < len && !strchr("\\\"' \t:=", u[e])))
		return 0;
	for (i = 0; i < AM_ARRAY_SIZE(ends); i++)
		if (ends_ci(u, q, e, ends[i]))
			return 1;
	return 0;
}

/*
 * account-id (ACCOUNT_PAT).  From a digit only the forms that are the
 * twelve digits themselves start (the keys before \K begin with a quote,
 * a '<', a '/', '[', '-' or a letter): exactly twelve digits.  From a
 * letter, one of the words its keys and prose begin with; "request to"
 * and "acceptance by" with the word after them, "user:" (AWS's
 * authorization messages: "... for the user: 123456789012").  From a quote, the
 * quoted forms (quoted_account()).
 */
int
am_gate_account_id(const struct am_gate_in *in)
{
	const unsigned char *u = in->u;
	size_t len = in->len, p = in->p, q;

	if (is_digit(u[p])) {
		for (q = p; q < len && q - p <= 12 && is_digit(u[q]); q++)
			;
		return q - p == 12;
	}
	if ((q = after_quote(u, len, p, "\"'")) != 0)
		return quoted_account(u, len, q);
	switch (u[p] | 0x20) {
	case 'a':
		return starts_ci(u, len, p, "account") ||
		    starts_ci(u, len, p, "aws") || starts_ci(u, len, p, "arn") ||
		    (in->we - p == 10 && starts_ci(u, len, p, "acceptance") &&
		    then_word(u, len, in->we, "by"));
	case 'o':
		return starts_ci(u, len, p, "owner");
	case 'r':
		return starts_ci(u, len, p, "registry") ||
		    (in->we - p == 7 && starts_ci(u, len, p, "request") &&
		    then_word(u, len, in->we, "to"));
	case 'i':
		return starts_ci(u, len, p, "imagelocation");
	case 'n':
		return starts_ci(u, len, p, "name=");
	case 'u':
		return starts_ci(u, len, p, "user:");
	default:
		return !is_alpha(u[p]);
	}
}

/*
 * kms-key-id.  From a quote: a key of letters ending in KeyId (without
 * case), then a quote; from '<': such a key and '>'; from a letter:
 * key/, kms..., key_id, key id, mrk-; '-' (flags) passes.
 */
int
am_gate_kms_key_id(const struct am_gate_in *in)
{
	const unsigned char *u = in->u;
	size_t len = in->len, p = in->p, q, e;

	if ((q = after_quote(u, len, p, "\"")) != 0 || u[p] == '<') {
		if (!q)
			q = p + 1;
		e = run_end(u, len, q, "", 64);
		return ends_ci(u, q, e, "keyid") && e < len &&
		    (u[e] == '"' || u[e] == '\\' || u[e] == '>');
	}
	if (!is_alpha(u[p]))
		return 1;
	return starts_ci(u, len, p, "key") || starts_ci(u, len, p, "kms") ||
	    starts_ci(u, len, p, "mrk-");
}

/*
 * keyed-iam-id: after '<' or \?["']?, the key principal,
 * (federated[_-]?)?user or assumed[_-]?role, then [_-]?id (without case).
 */
int
am_gate_keyed_iam_id(const struct am_gate_in *in)
{
	const unsigned char *u = in->u;
	size_t len = in->len, p = in->p, q;

	if (u[p] == '<')
		q = p + 1;
	else if (!(q = after_quote(u, len, p, "\"'")))
		q = u[p] == '\\' ? p + 1 : p;
	if (starts_ci(u, len, q, "federated")) {
		q += 9;
		if (q < len && (u[q] == '_' || u[q] == '-'))
			q++;
	}
	if (starts_ci(u, len, q, "principal"))
		q += 9;
	else if (starts_ci(u, len, q, "user"))
		q += 4;
	else if (starts_ci(u, len, q, "assumed")) {
		q += 7;
		if (q < len && (u[q] == '_' || u[q] == '-'))
			q++;
		if (!starts_ci(u, len, q, "role"))
			return 0;
		q += 4;
	} else
		return 0;
	if (q < len && (u[q] == '_' || u[q] == '-'))
		q++;
	return starts_ci(u, len, q, "id");
}

/*
 * kind-keyed-id: after \\?["']?, a key that is a kind's name (its words
 * joined by nothing, '_' or '-', without case), then \\?["']? [ \t]*
 * and ':' or '='.
 */
int
am_gate_kind_key(const struct am_gate_in *in)
{
	static const char *const kinds[] = {
		"instance", "volume", "vpc", "subnet", "snapshot", "image",
		"ami", "eni", "networkinterface", "securitygroup",
	};
	const unsigned char *u = in->u;
	size_t len = in->len, p = in->p, q, e, n = 0, i;
	char key[20];

	if (!(q = after_quote(u, len, p, "\"'")))
		q = p < len && u[p] == '\\' ? p + 1 : p;
	e = run_end(u, len, q, "_-", 24);
	for (i = q; i < e; i++)
		if (u[i] != '_' && u[i] != '-') {
			if (n == sizeof(key))
				return 0;
			key[n++] = (char)(u[i] | 0x20);
		}
	for (i = 0; i < AM_ARRAY_SIZE(kinds); i++)
		if (strlen(kinds[i]) == n && !memcmp(kinds[i], key, n))
			break;
	if (i == AM_ARRAY_SIZE(kinds))
		return 0;
	if (e < len && u[e] == '\\')
		e++;
	if (e < len && (u[e] == '"' || u[e] == '\''))
		e++;
	while (e < len && (u[e] == ' ' || u[e] == '\t'))
		e++;
	return e < len && (u[e] == ':' || u[e] == '=');
}

/* s3-access-log: 64 hex digits. */
int
am_gate_s3_log(const struct am_gate_in *in)
{
	const unsigned char *u = in->u;
	size_t i;

	if (in->len - in->p < 64)
		return 0;
	for (i = 0; i < 64; i++)
		if (!is_hex(u[in->p + i]))
			return 0;
	return 1;
}

/*
 * ipv6: not after a letter, digit, '_', ':' or '.', and a ':' within the
 * first five bytes (the first group is 0-4 hex).
 * The address is the whole run of hex digits and ':' (a letter, digit,
 * '_' or ':' may not follow it, nor '.' and a digit), unless an IPv4
 * address ends it: then the run's last group after its last ':' is the
 * first of the four numbers (12:00:00.000Z is a time).
 */
int
am_gate_ipv6(const struct am_gate_in *in)
{
	const unsigned char *u = in->u;
	size_t len = in->len, e = len - in->p > 5 ? in->p + 5 : len, q, c;
	int dots;

	/* The row's look-behind: no letter, digit, '_', ':' or '.' before
	 * (":00:00.000Z" of a time is no start). */
	if (in->p > 0 && (is_alnum(u[in->p - 1]) || u[in->p - 1] == '_' ||
	    u[in->p - 1] == ':' || u[in->p - 1] == '.'))
		return 0;
	for (q = in->p; q < e && u[q] != ':'; q++)
		;
	if (q == e)
		return 0;
	while (q < len && (is_hex(u[q]) || u[q] == ':'))
		q++;
	if (len - q < 2 || u[q] != '.' || !is_digit(u[q + 1]))
		return 1;
	/* The run's last group, then three more numbers. */
	for (c = q; c > in->p && is_digit(u[c - 1]); c--)
		;
	if (q - c < 1 || q - c > 3 || u[c - 1] != ':')
		return 0;
	for (dots = 0; dots < 3; dots++) {
		if (q == len || u[q] != '.')
			return 0;
		for (c = ++q; q < len && q - c < 3 && is_digit(u[q]); q++)
			;
		if (q == c)
			return 0;
	}
	return 1;
}

/*
 * The keys' separators (KEY_SEP, ACCOUNT_KEY_SEP: ["']? [ \t]* [:=]),
 * the '-' of an EC2-style prefix, the blank and "named" of prose, and
 * what follows a naming key (NAME_PAT: a quote, \, :, =, '>' of XML, '-'
 * of role-name, or blanks then :, = or the '|' of a table).
 */
const struct am_gate_follow am_gate_follows[] = {
	{ am_gate_keyed_id, "\"':=", ":=" },
	{ am_gate_account_key, "\"':=", ":=" },
	{ am_gate_aws_id, "-", "" },
	{ am_gate_prose_name, "", "nNcCpP" },
	{ am_gate_resource_name, "\"'\\:=>-", ":=|" },
	{ am_gate_kind_key, "\"'\\:=-", ":=" },
};
const size_t am_ngate_follows = AM_ARRAY_SIZE(am_gate_follows);
