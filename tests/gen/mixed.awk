# mixed.awk - identifiers of many kinds between random separators, for
# round trips and leak checks.
#
#	awk -v n=5000 -v seed=1 -v orig=originals -f mixed.awk >input
#
# n      number of items to write (default 2000)
# seed   for the pseudo-random choices (default 1)
# orig   file that receives the planted originals that must never
#        survive masking, one a line
#
# Items are drawn from instance, VPC, subnet and security-group IDs,
# private and public IPv4 addresses and CIDRs, IAM role and Lambda ARNs,
# S3 URIs, access key IDs, token-shaped literals (EC2_90001, VPC_90032) and
# plain words; one in five repeats an earlier identifier.  Separators are
# ASCII punctuation, blanks, CR, LF and NUL; never a word character, a
# byte above 127, nor anything an ARN, a name or an IAM wildcard may hold
# ('-' '.' '/' ':' ',' '=' '+' '@' '*' '?' '$'), so every identifier
# stands on its own by any reading of the spec.
function hex(k, w) {
	return sprintf("%0" w "x", k)
}
function id17(k) {
	return sprintf("%08x%09x", 3000000 + seed * 7919, k)
}
function plant(s) {
	if (orig != "" && !(s in seen)) {
		seen[s] = 1
		print s >orig
	}
}
function item(k,    t, a, acct, name) {
	t = k % 12
	if (t == 0) { a = "i-" id17(k); plant(a); return a }
	if (t == 1) { a = "vpc-" id17(k); plant(a); return a }
	if (t == 2) { a = "subnet-" id17(k); plant(a); return a }
	if (t == 3) { a = "sg-" id17(k); plant(a); return a }
	if (t == 4) {
		a = sprintf("10.%d.%d.%d", int(k / 62500) % 250 + 1,
		    int(k / 250) % 250 + 1, k % 250 + 1)
		plant(a)
		return a
	}
	if (t == 5) {
		a = sprintf("54.%d.%d.%d", int(k / 62500) % 250 + 1,
		    int(k / 250) % 250 + 1, k % 250 + 1)
		plant(a)
		return a
	}
	if (t == 6) {
		a = sprintf("172.%d.%d.0", 16 + k % 16, int(k / 16) % 250 + 1)
		plant(a)
		return a "/24"
	}
	acct = "3" sprintf("%011d", seed * 100000 + k)
	if (t == 7) {
		name = sprintf("svc-%s-role", hex(k, 6))
		plant(acct)
		plant(name)
		return "arn:aws:iam::" acct ":role/" name
	}
	if (t == 8) {
		name = sprintf("fn-%s", hex(k, 6))
		plant(acct)
		plant(name)
		return "arn:aws:lambda:us-east-1:" acct ":function:" name
	}
	if (t == 9) {
		name = sprintf("bkt-%s-data", hex(k, 6))
		plant(name)
		return "s3://" name "/some/key.txt"
	}
	if (t == 10) {
		a = sprintf("AKIA%04d%012d", seed % 10000, k)
		plant(a)
		return a
	}
	# Numbers no store of the tests reaches: a token the store issued,
	# written exactly, is ours and stays as it is (no literal).
	if (rand() < 0.5)
		return sprintf("%s_%d", (rand() < 0.5 ? "EC2" : "VPC"), 90000 + int(rand() * 40))
	return "word"
}
BEGIN {
	if (n == "") n = 2000
	if (seed == "") seed = 1
	srand(seed)
	nsep = split(" |\t|;|\"|'|(|)|[|]|{|}|<|>|!|&|`|#|%|~|^", sep, "|")
	sep[++nsep] = "\r\n"
	sep[++nsep] = "\n"
	sep[++nsep] = "\n"
	sep[++nsep] = "\000"
	sep[++nsep] = " \303\251 "
	k = 0
	for (i = 0; i < n; i++) {
		if (k > 20 && rand() < 0.2)
			s = item(int(rand() * k))
		else
			s = item(k++)
		printf "%s%s", s, sep[int(rand() * nsep) + 1]
	}
	printf "\n"
	if (orig != "") close(orig)
}
