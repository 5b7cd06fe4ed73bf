/*
 * ip.c - IPv4 and IPv6 addresses: which dotted quads and colon groups
 * are addresses that identify someone, and which are versions, section
 * numbers, netmasks or well-known constants.
 */
#include "detect.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

/*
 * IPv4.  Left alone: well-known addresses that identify nobody
 * (0.0.0.0/8, loopback, the instance metadata and other link-local
 * service addresses, multicast and reserved, netmasks), a dotted number
 * right after a word such as "version", and public-looking quads made of
 * small numbers (below).
 */
static const char *const ipv4_constants[] = {
	"169.254.169.254",	/* instance metadata */
	"169.254.169.253",	/* Amazon DNS */
	"169.254.169.123",	/* Amazon Time Sync */
	"169.254.170.2",	/* ECS task metadata */
	"169.254.170.23",	/* EKS Pod Identity */
	"255.255.255.255",
};
/* Words after which a dotted quad is a version or a section number. */
static const char *const version_words[] = {
	"version", "ver", "vers", "v", "release", "rel", "rev", "revision",
	"build", "firmware", "fw", "section", "sect", "sec", "clause",
	"chapter", "annex", "figure", "table", "paragraph",
};

/* Is the match right after one of words (skipping ' ', ':', '=', '-')? */
static int
after_word(const char *subj, size_t start, const char *const *words,
    size_t nwords)
{
	size_t e = start, s, i, k = 0;

	while (e > 0 && k++ < 3 && strchr(" \t:=-\"'", subj[e - 1]))
		e--;
	s = e;
	while (s > 0 && e - s < 16 && isalpha((unsigned char)subj[s - 1]))
		s--;
	if (s > 0 && isalnum((unsigned char)subj[s - 1]))
		return 0;
	for (i = 0; i < nwords; i++)
		if (strlen(words[i]) == e - s &&
		    !strncasecmp(subj + s, words[i], e - s))
			return 1;
	return 0;
}

/*
 * Is the match right after a product token, "Chrome/" in "Chrome/122.0.0.0"?
 * The token is a letter and then [A-Za-z0-9_.-], glued to the '/' that is
 * glued to the digits, and it begins a word: at the start of the subject,
 * after white space or after one of ( " ' [ , ; =.  A URL path segment
 * (".../ip/54.0.0.0") begins after '/', and "http://1.2.3.4" has no
 * token at all, so neither counts.
 */
static int
after_product(const char *subj, size_t start)
{
	size_t s;

	if (start < 2 || subj[start - 1] != '/')
		return 0;
	for (s = start - 1; s > 0 && start - s < 64 &&
	    (isalnum((unsigned char)subj[s - 1]) || strchr("_.-", subj[s - 1]));
	    s--)
		;
	if (s == start - 1 || !isalpha((unsigned char)subj[s]))
		return 0;
	return s == 0 || isspace((unsigned char)subj[s - 1]) ||
	    strchr("(\"'[,;=", subj[s - 1]) != NULL;
}

static int
is_netmask(const int *o)
{
	uint32_t v = (uint32_t)o[0] << 24 | (uint32_t)o[1] << 16 |
	    (uint32_t)o[2] << 8 | (uint32_t)o[3];

	return o[0] == 255 && (~v & (~v + 1)) == 0;
}

static size_t
skip_space_back(const char *subj, size_t lo, size_t p)
{
	while (p > lo && am_is_in(subj[p - 1], " \t\r\n"))
		p--;
	return p;
}

static int key_holds_address(const char *subj, size_t start);

/*
 * The offset just after the '[' of the JSON array whose element starts
 * at start (its quote, if any, included), stepping back over the
 * elements before it; (size_t)-1 when the value is no array element.
 */
static size_t
array_open(const char *subj, size_t start)
{
	size_t lo = start > 2048 ? start - 2048 : 0, p = start, n;
	int i;

	while (p > lo && am_is_in(subj[p - 1], "\\\"'"))
		p--;
	for (i = 0; i < 64; i++) {
		p = skip_space_back(subj, lo, p);
		if (p > lo && subj[p - 1] == '[')
			return p - 1;
		if (p == lo || subj[p - 1] != ',')
			return (size_t)-1;
		p = skip_space_back(subj, lo, p - 1);
		/* An element before: an address or CIDR, quoted or not. */
		while (p > lo && am_is_in(subj[p - 1], "\\\"'"))
			p--;
		for (n = 0; p > lo && n < 50 &&
		    (isxdigit((unsigned char)subj[p - 1]) ||
		    am_is_in(subj[p - 1], ".:/")); n++)
			p--;
		if (n == 0)
			return (size_t)-1;
		while (p > lo && am_is_in(subj[p - 1], "\\\"'"))
			p--;
	}
	return (size_t)-1;
}

/*
 * Is the address at start the value of a key that holds addresses
 * ("sourceIPAddress": "1.2.3.4", srcaddr=, <privateIpAddress>, CidrIp:,
 * "Rdata" of a DNS answer), or an element of such a key's array
 * ("sourceIPs": ["1.2.3.4"], "publicAccessCidrs": [...])?
 */
static int
after_address_key(const char *subj, size_t start)
{
	size_t a = array_open(subj, start);

	return key_holds_address(subj, start) ||
	    (a != (size_t)-1 && key_holds_address(subj, a));
}

static int
key_holds_address(const char *subj, size_t start)
{
	static const char *const ends[] = { "ip", "ips", "ipaddress",
	    "ipaddresses", "ipaddr", "addr", "address", "addresses", "cidr",
	    "cidrblock", "cidrip", "cidrs", "rdata" };
	char key[48];
	size_t p = start, kl = 0, i, l;
	int sep = 0;

	while (p > 0 && start - p < 8 && am_is_in(subj[p - 1], "\\\"' \t:=>")) {
		sep |= am_is_in(subj[p - 1], ":=>");
		p--;
	}
	if (!sep)
		return 0;
	while (p > 0 && kl + 1 < sizeof(key) &&
	    (isalnum((unsigned char)subj[p - 1]) ||
	    am_is_in(subj[p - 1], "_-"))) {
		if (isalnum((unsigned char)subj[p - 1]))
			key[kl++] = (char)tolower((unsigned char)subj[p - 1]);
		p--;
	}
	key[kl] = '\0';
	for (i = 0; i < kl / 2; i++) {		/* read backwards: reverse */
		char c = key[i];

		key[i] = key[kl - 1 - i];
		key[kl - 1 - i] = c;
	}
	for (i = 0; i < AM_ARRAY_SIZE(ends); i++) {
		l = strlen(ends[i]);
		if (kl >= l && !strcmp(key + kl - l, ends[i]))
			return 1;
	}
	return 0;
}

/*
 * Is the hyphen-written address at start the value of a key that says
 * address by its own words: "PrivateIpAddress", private_ip, ip, Addr?
 * Stricter than key_holds_address(), whose "ip" ending is also the end
 * of Membership.
 */
static int
dashed_key(const char *subj, size_t start)
{
	static const char *const ends[] = { "Ip", "IP", "_ip", "-ip",
	    "Address", "address", "Addr", "addr" };
	size_t p = start, ke, ks, i, l;
	int sep = 0;

	while (p > 0 && start - p < 8 && am_is_in(subj[p - 1], "\\\"' \t:=")) {
		sep |= am_is_in(subj[p - 1], ":=");
		p--;
	}
	if (!sep)
		return 0;
	for (ke = p; p > 0 && ke - p < 64 && (isalnum((unsigned char)subj[p - 1]) ||
	    am_is_in(subj[p - 1], "_-")); p--)
		;
	ks = p;
	if (ke - ks == 2 && !strncasecmp(subj + ks, "ip", 2))
		return 1;
	for (i = 0; i < AM_ARRAY_SIZE(ends); i++) {
		l = strlen(ends[i]);
		if (ke - ks >= l && !memcmp(subj + ke - l, ends[i], l))
			return 1;
	}
	return 0;
}

int
am_split_ipv4(const char *subj, size_t len, struct am_match *m)
{
	size_t e = am_find_any(subj, m->start, m->end, "/"), i, n = 0;
	int o[4], priv, keyed, dashed;
	char quad[16];

	(void)len;
	/* 10-0-0-157: the pattern took it under an address key only. */
	dashed = am_find_any(subj, m->start, e, "-") < e;
	/* 10\.0\.1\.5, Markdown's escaped dots: read without the
	 * backslashes, masked with them. */
	for (i = m->start; i < e && n < sizeof(quad); i++)
		if (subj[i] != '\\')
			quad[n++] = subj[i];
	if (i < e || !am_octets(quad, n, dashed ? '-' : '.', 4, o))
		return 0;
	if (o[0] == 0 || o[0] == 127 || o[0] >= 224 || is_netmask(o))
		return 0;
	for (i = 0; i < AM_ARRAY_SIZE(ipv4_constants); i++)
		if (am_field_is(quad, n, ipv4_constants[i]))
			return 0;
	if (after_word(subj, m->start, version_words,
	    AM_ARRAY_SIZE(version_words)))
		return 0;
	priv = o[0] == 10 || (o[0] == 172 && o[1] >= 16 && o[1] <= 31) ||
	    (o[0] == 192 && o[1] == 168) ||
	    (o[0] == 100 && o[1] >= 64 && o[1] <= 127);
	/* Under an address key, and with a prefix length, the exceptions
	 * below (versions, section numbers, OIDs) do not apply: 1.2.3.4
	 * and 22.19.18.2/32 there are addresses. */
	if (dashed && !dashed_key(subj, m->start))
		return 0;
	keyed = dashed || after_address_key(subj, m->start) ||
	    e < m->end;		/* a CIDR's /nn says address too */
	/*
	 * A product's version (User-Agent: "Chrome/122.0.0.0", "OPR/107.0.0.0")
	 * is a valid quad more often than one would think.  After a product
	 * token (above), with no /nn, a public-looking quad is a version when
	 * its last two numbers are 0 (the reduced User-Agent of Chrome, Edge
	 * and Opera; a host address never ends in .0.0 outside a CIDR) or
	 * when it reads major.0.minor.patch with both below 32 (one public
	 * address in 16,384 does).  Private addresses are masked whatever
	 * precedes them: "host/10.0.0.1" never leaks.
	 */
	if (!priv && !keyed && e == m->end && after_product(subj, m->start) &&
	    ((o[2] == 0 && o[3] == 0) ||
	    (o[1] == 0 && o[2] < 32 && o[3] < 32)))
		return 0;
	/* Section numbers, OIDs and four-part versions (4.20.7.1, 2.5.4.10,
	 * 3.6.23.1) are small numbers; a random public address has all of
	 * its last three octets below 32 one time in 500. */
	if (!priv && !keyed && o[0] < 50 && o[1] < 32 && o[2] < 32 &&
	    o[3] < 32)
		return 0;
	/* ASN.1 object IDs start with arc 0, 1 or 2 (2.5.4.43). */
	if (!keyed && o[0] <= 2 && o[1] < 10)
		return 0;
	/* The ipv4-private row exists to make PRIVATE_IP a known prefix and
	 * to allow --types ipv4-private alone; it only ever sees private
	 * addresses. */
	am_match_add(m, m->start, e, priv ? "PRIVATE_IP" : "PUBLIC_IP",
	    priv ? "ipv4-private" : "ipv4");
	return 1;
}

/*
 * IPv6, validated by inet_pton.  Left alone: :: and ::1, multicast
 * (ff00::/8: well-known group addresses such as ff02::1), and candidates
 * that look more like code or times than addresses (no decimal digit, or
 * only two short groups as in 1::2).  Link-local fe80::/10 addresses are
 * masked: on EC2 their interface ID is derived from the ENI's MAC.
 */
int
am_split_ipv6(const char *subj, size_t len, struct am_match *m)
{
	size_t e = am_find_any(subj, m->start, m->end, "/"), i;
	size_t n = e - m->start;
	size_t run = 0, groups = 0, longest = 0;
	unsigned char a[16];
	char buf[64];
	int digit = 0;

	(void)len;
	if (n >= sizeof(buf))
		return 0;
	memcpy(buf, subj + m->start, n);
	buf[n] = '\0';
	if (inet_pton(AF_INET6, buf, a) != 1)
		return 0;
	for (i = 0; i < 15 && !a[i]; i++)
		;
	if (i == 15 && a[15] <= 1)
		return 0;	/* :: and ::1 */
	if (a[0] == 0xff)
		return 0;
	for (i = 0; i <= n; i++) {
		if (i < n && buf[i] != ':' && buf[i] != '.') {
			digit |= isdigit((unsigned char)buf[i]) != 0;
			run++;
			continue;
		}
		if (run)
			groups++;
		if (run > longest)
			longest = run;
		run = 0;
	}
	if (!digit || (groups < 3 && longest < 3))
		return 0;
	am_match_add(m, m->start, e, "IPV6", NULL);
	return 1;
}
