# bigline.awk - one long line of filler text with AWS identifiers planted
# all through it, at irregular offsets (so some straddle any block size).
#
#	awk -v size=104857600 -v seed=1 -v orig=originals -f bigline.awk >big
#
# size   bytes to write, about (the line ends once it is reached; default 1 MB)
# seed   for the pseudo-random offsets (default 1)
# gap    largest run of filler between two identifiers (default 16384)
# orig   file that receives every distinct planted original, one a line
# nl     0 to leave out the final newline (default 1)
#
# The identifiers cycle through instance, VPC and subnet IDs, private and
# public IPv4 addresses, and IAM role ARNs (account and role name); one in
# ten repeats an earlier one.  Each stands between non-word characters;
# the filler holds no identifier.
function hex17(k) {
	return sprintf("%08x%09x", 178956970 + seed, k)
}
function account(k) {
	return "2109" sprintf("%08d", k)
}
function ident(k,    t, a) {
	t = k % 6
	if (t == 0) { a = "i-" hex17(k); plant(a); return a }
	if (t == 1) { a = "vpc-" hex17(k); plant(a); return a }
	if (t == 2) { a = "subnet-" hex17(k); plant(a); return a }
	if (t == 3) {
		a = sprintf("10.%d.%d.%d", int(k / 62500) % 250 + 1,
		    int(k / 250) % 250 + 1, k % 250 + 1)
		plant(a)
		return a
	}
	if (t == 4) {
		a = sprintf("54.%d.%d.%d", int(k / 62500) % 250 + 1,
		    int(k / 250) % 250 + 1, k % 250 + 1)
		plant(a)
		return a
	}
	plant(account(k))
	plant(sprintf("payroll-%05d-role", k))
	return sprintf("arn:aws:iam::%s:role/payroll-%05d-role", account(k), k)
}
function plant(s) {
	if (orig != "" && !(s in seen)) {
		seen[s] = 1
		print s >orig
	}
}
BEGIN {
	if (size == "") size = 1048576
	if (seed == "") seed = 1
	if (gap == "") gap = 16384
	if (nl == "") nl = 1
	srand(seed)
	filler = "lorem ipsum dolor sit amet, consectetur adipiscing elit; " \
	    "sed do eiusmod tempor (incididunt) ut labore et dolore magna " \
	    "aliqua = 42 \"quoted\" {braces} [brackets] tab\there. "
	while (length(filler) < 4 * gap)
		filler = filler filler
	flen = length(filler)
	out = 0
	k = 0
	while (out < size) {
		n = int(rand() * gap) + 1
		s = substr(filler, int(rand() * (flen - n)) + 1, n)
		if (k > 10 && rand() < 0.1)
			id = ident(int(rand() * k))
		else
			id = ident(k++)
		d = int(rand() * 5)
		printf "%s%s%s%s", s, substr(" \"(=,", d + 1, 1), id,
		    substr(" \"),;", d + 1, 1)
		out += n + length(id) + 2
	}
	if (nl) printf "\n"
	if (orig != "") close(orig)
}
